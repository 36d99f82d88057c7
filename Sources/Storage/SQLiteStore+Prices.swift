public import Domain
import GRDB

extension SQLiteStore: PriceStore {
    private static let barColumns = "time, open, high, low, close, volume"

    @inline(__always) private static func bar(_ row: Row) -> Bar {
        Bar(time: row.timestamp(0), open: row[1], high: row[2], low: row[3], close: row[4], volume: row[5])
    }

    private static func fetchBars(_ db: Database, sql: String, _ arguments: StatementArguments) throws -> [Bar] {
        let statement = try db.cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        var bars: [Bar] = []
        while let row = try cursor.next() { bars.append(bar(row)) }
        return bars
    }

    public func upsert(_ bars: [Bar], asset: AssetID) throws -> UpsertCount {
        guard !bars.isEmpty else { return UpsertCount() }
        return try write { db in
            let select = try db.cachedStatement(sql: "SELECT open, high, low, close, volume FROM prices WHERE asset = ? AND time = ?")
            let insert = try db.cachedStatement(sql: "INSERT INTO prices (asset, \(Self.barColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)")
            let update = try db.cachedStatement(sql: "UPDATE prices SET open = ?, high = ?, low = ?, close = ?, volume = ? WHERE asset = ? AND time = ?")
            var count = UpsertCount()
            for b in bars {
                if let row = try Row.fetchOne(select, arguments: [asset.rawValue, b.time.milliseconds]) {
                    let same = (row[0] as Double) == b.open && (row[1] as Double) == b.high && (row[2] as Double) == b.low
                        && (row[3] as Double) == b.close && (row[4] as Double) == b.volume
                    if same { count.unchanged += 1; continue }
                    try update.execute(arguments: [b.open, b.high, b.low, b.close, b.volume, asset.rawValue, b.time.milliseconds])
                    count.updated += 1
                } else {
                    try insert.execute(arguments: [asset.rawValue, b.time.milliseconds, b.open, b.high, b.low, b.close, b.volume])
                    count.inserted += 1
                }
            }
            return count
        }
    }

    public func latestBar(asset: AssetID) throws -> Bar? {
        try read { db in
            try Self.fetchBars(db, sql: "SELECT \(Self.barColumns) FROM prices WHERE asset = ? ORDER BY time DESC LIMIT 1",
                               [asset.rawValue]).first
        }
    }

    public func bars(asset: AssetID, from: Timestamp, to: Timestamp) throws -> [Bar] {
        try read { db in
            try Self.fetchBars(db, sql: "SELECT \(Self.barColumns) FROM prices WHERE asset = ? AND time >= ? AND time <= ? ORDER BY time",
                               [asset.rawValue, from.milliseconds, to.milliseconds])
        }
    }

    public func barPage(asset: AssetID, query: PageQuery) throws -> Page<Bar> {
        let (sql, arguments) = Self.barPageSQL(asset: asset, query: query)
        let fetched = try read { db in try Self.fetchBars(db, sql: sql, arguments) }
        return Page(fetched: fetched, limit: query.limit) { PageCursor(time: $0.time) }
    }

    static func barPageSQL(asset: AssetID, query: PageQuery) -> (String, StatementArguments) {
        var keyset = KeysetQuery()
        keyset.add("asset = ?", asset.rawValue)
        keyset.page(query, timeColumn: "time", idColumn: nil)
        let sql = "SELECT \(Self.barColumns) FROM prices" + keyset.whereSQL
            + KeysetQuery.orderSQL(timeColumn: "time", idColumn: nil, limit: query.limit)
        return (sql, keyset.statementArguments)
    }

    public func barCount(asset: AssetID) throws -> Int {
        try read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM prices WHERE asset = ?"), arguments: [asset.rawValue]) ?? 0
        }
    }

    public func barTimes(asset: AssetID, from: Timestamp, to: Timestamp) throws -> [Timestamp] {
        try read { db in
            let statement = try db.cachedStatement(sql: "SELECT time FROM prices WHERE asset = ? AND time >= ? AND time <= ? ORDER BY time")
            return try Int64.fetchAll(statement, arguments: [asset.rawValue, from.milliseconds, to.milliseconds])
                .map { Timestamp(milliseconds: $0) }
        }
    }

    public func bar(asset: AssetID, nearest target: Timestamp, within: Milliseconds) throws -> Bar? {
        let t = target.milliseconds, w = max(0, within.value)
        return try read { db in
            let atOrBefore = try Self.fetchBars(db, sql: "SELECT \(Self.barColumns) FROM prices WHERE asset = ? AND time <= ? AND time >= ? ORDER BY time DESC LIMIT 1",
                                                [asset.rawValue, t, t - w]).first
            let after = try Self.fetchBars(db, sql: "SELECT \(Self.barColumns) FROM prices WHERE asset = ? AND time > ? AND time <= ? ORDER BY time LIMIT 1",
                                           [asset.rawValue, t, t + w]).first
            switch (atOrBefore, after) {
            case let (b?, a?): return (a.time.milliseconds - t) < (t - b.time.milliseconds) ? a : b
            case let (b?, nil): return b
            case let (nil, a?): return a
            case (nil, nil): return nil
            }
        }
    }
}
