import Foundation
public import Domain
import GRDB

extension SQLiteStore: FeatureStore {
    private static let rowColumns = "asset, feature_set, time, close, vals, future_price, target_return, target_log_return, target_direction"

    private static func featureRow(_ row: Row) throws -> FeatureRow {
        let values = try DoubleBlob.decode(row[4] as Data)
        var targets: FeatureTargets?
        if let future = row[5] as Double? {
            targets = FeatureTargets(futurePrice: future, targetReturn: row.doubleOrNaN(6),
                                     targetLogReturn: row.doubleOrNaN(7), targetDirection: (row[8] as Int?) ?? 0)
        }
        return FeatureRow(asset: AssetID(row[0] as String), featureSet: row[1], time: row.timestamp(2),
                          close: row.doubleOrNaN(3), values: values, targets: targets)
    }

    private static func fetchRows(_ db: Database, sql: String, _ arguments: StatementArguments) throws -> [FeatureRow] {
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var rows: [FeatureRow] = []
        while let row = try cursor.next() { rows.append(try featureRow(row)) }
        return rows
    }

    public func upsert(_ rows: [FeatureRow]) throws -> UpsertCount {
        guard !rows.isEmpty else { return UpsertCount() }
        return try write { db in
            let select = try db.cachedStatement(sql: "SELECT \(Self.rowColumns) FROM feature_rows WHERE asset = ? AND feature_set = ? AND time = ?")
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO feature_rows (asset, feature_set, time, close, vals, complete,
                                          future_price, target_return, target_log_return, target_direction)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (asset, feature_set, time) DO UPDATE SET
                    close = excluded.close, vals = excluded.vals, complete = excluded.complete,
                    future_price = excluded.future_price, target_return = excluded.target_return,
                    target_log_return = excluded.target_log_return, target_direction = excluded.target_direction
                """)
            var count = UpsertCount()
            for r in rows {
                let existing = try Row.fetchOne(select, arguments: [r.asset.rawValue, r.featureSet, r.time.milliseconds])
                    .map(Self.featureRow)
                if let existing {
                    if Self.sameStored(existing, r) { count.unchanged += 1; continue }
                    count.updated += 1
                } else {
                    count.inserted += 1
                }
                let t = r.targets
                try upsert.execute(arguments: [
                    r.asset.rawValue, r.featureSet, r.time.milliseconds, r.close, DoubleBlob.encode(r.values),
                    r.isComplete, t?.futurePrice, t?.targetReturn, t?.targetLogReturn, t?.targetDirection,
                ])
            }
            return count
        }
    }

    /// Equality as stored: values bit for bit (NaN equals NaN), targets by value.
    private static func sameStored(_ a: FeatureRow, _ b: FeatureRow) -> Bool {
        guard a.close.bitPattern == b.close.bitPattern || a.close == b.close,
              a.values.count == b.values.count,
              zip(a.values, b.values).allSatisfy({ $0.bitPattern == $1.bitPattern }) else { return false }
        switch (a.targets, b.targets) {
        case (nil, nil): return true
        case let (x?, y?):
            return x.futurePrice == y.futurePrice && x.targetDirection == y.targetDirection
                && x.targetReturn.bitPattern == y.targetReturn.bitPattern
                && x.targetLogReturn.bitPattern == y.targetLogReturn.bitPattern
        default: return false
        }
    }

    public func latestRow(asset: AssetID, featureSet: String) throws -> FeatureRow? {
        try read { db in
            try Self.fetchRows(db, sql: "SELECT \(Self.rowColumns) FROM feature_rows WHERE asset = ? AND feature_set = ? ORDER BY time DESC LIMIT 1",
                               [asset.rawValue, featureSet]).first
        }
    }

    public func rowPage(asset: AssetID, featureSet: String, query: PageQuery) throws -> Page<FeatureRow> {
        var keyset = KeysetQuery()
        keyset.add("asset = ?", asset.rawValue)
        keyset.add("feature_set = ?", featureSet)
        keyset.page(query, timeColumn: "time", idColumn: nil)
        let sql = "SELECT \(Self.rowColumns) FROM feature_rows" + keyset.whereSQL
            + KeysetQuery.orderSQL(timeColumn: "time", idColumn: nil, limit: query.limit)
        let fetched = try read { db in try Self.fetchRows(db, sql: sql, keyset.statementArguments) }
        return Page(fetched: fetched, limit: query.limit) { PageCursor(time: $0.time) }
    }

    public func rows(asset: AssetID, featureSet: String, from: Timestamp, to: Timestamp,
                     selection: FeatureRowSelection) throws -> [FeatureRow] {
        try read { db in
            try Self.fetchRows(db, sql: Self.rowsSQL(selection), [asset.rawValue, featureSet, from.milliseconds, to.milliseconds])
        }
    }

    /// Rows of one asset and feature set in a time range, read along the primary key.
    static func rowsSQL(_ selection: FeatureRowSelection) -> String {
        "SELECT \(rowColumns) FROM feature_rows WHERE asset = ? AND feature_set = ? AND time >= ? AND time <= ?"
            + filter(selection) + " ORDER BY time"
    }

    /// How many rows a range holds, counted from `feature_rows_completeness` alone.
    static func rowCountSQL(_ selection: FeatureRowSelection) -> String {
        "SELECT count(*) FROM feature_rows WHERE asset = ? AND feature_set = ? AND time >= ? AND time <= ?" + filter(selection)
    }

    public func rowCount(asset: AssetID, featureSet: String, from: Timestamp, to: Timestamp,
                         selection: FeatureRowSelection) throws -> Int {
        try read { db in
            try Int.fetchOne(db.cachedStatement(sql: Self.rowCountSQL(selection)),
                             arguments: [asset.rawValue, featureSet, from.milliseconds, to.milliseconds]) ?? 0
        }
    }

    private static func filter(_ selection: FeatureRowSelection) -> String {
        switch selection {
        case .all: ""
        case .complete: " AND complete = 1"
        case .completeWithTargets: " AND complete = 1 AND future_price IS NOT NULL"
        }
    }

    public func rowCount(asset: AssetID, featureSet: String) throws -> Int {
        try read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM feature_rows WHERE asset = ? AND feature_set = ?"),
                             arguments: [asset.rawValue, featureSet]) ?? 0
        }
    }

    public func pipelineState(asset: AssetID, key: String) throws -> [UInt8]? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT bytes FROM pipeline_state WHERE asset = ? AND key = ?"),
                             arguments: [asset.rawValue, key]).map { $0.bytes(0) }
        }
    }

    public func setPipelineState(asset: AssetID, key: String, bytes: [UInt8]) throws {
        try write { db in
            try db.cachedStatement(sql: """
                INSERT INTO pipeline_state (asset, key, bytes) VALUES (?, ?, ?)
                ON CONFLICT (asset, key) DO UPDATE SET bytes = excluded.bytes
                """).execute(arguments: [asset.rawValue, key, Data(bytes)])
        }
    }
}
