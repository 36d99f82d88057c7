public import Domain
import GRDB

extension SQLiteStore: AlertStore, WebhookDeliveryStore {
    private static let columns = "id, asset, kind, severity, message, value, threshold, raised_at, resolved_at"

    private static func alert(_ row: Row) throws -> Alert {
        Alert(id: try row.ulid(0), asset: (row[1] as String?).map { AssetID($0) }, kind: try row.enumValue(2),
              severity: try row.enumValue(3), message: row[4], value: row[5], threshold: row[6],
              raisedAt: row.timestamp(7), resolvedAt: row.optionalTimestamp(8))
    }

    private static func openAlert(_ db: Database, asset: AssetID?, kind: AlertKind) throws -> Alert? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(columns) FROM alerts WHERE ifnull(asset, '') = ? AND kind = ? AND resolved_at IS NULL"),
                         arguments: [asset?.rawValue ?? "", kind.rawValue]).map(alert)
    }

    private static func fetchAlert(_ db: Database, id: String) throws -> Alert? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(columns) FROM alerts WHERE id = ?"), arguments: [id]).map(alert)
    }

    public func raise(_ a: Alert) throws -> (alert: Alert, raised: Bool) {
        try write { db in
            if a.resolvedAt == nil, let open = try Self.openAlert(db, asset: a.asset, kind: a.kind) { return (open, false) }
            try db.execute(sql: "INSERT INTO alerts (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [a.id.string, a.asset?.rawValue, a.kind.rawValue, a.severity.rawValue, a.message,
                                       a.value, a.threshold, a.raisedAt.milliseconds, a.resolvedAt?.milliseconds])
            return (a, true)
        }
    }

    public func openAlert(asset: AssetID?, kind: AlertKind) throws -> Alert? {
        try read { db in try Self.openAlert(db, asset: asset, kind: kind) }
    }

    @discardableResult
    public func resolve(id: ULID, at: Timestamp) throws -> Alert? {
        try write { db in
            try db.execute(sql: "UPDATE alerts SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL",
                           arguments: [at.milliseconds, id.string])
            return try Self.fetchAlert(db, id: id.string)
        }
    }

    public func alert(id: ULID) throws -> Alert? {
        try read { db in try Self.fetchAlert(db, id: id.string) }
    }

    public func alerts(asset: AssetID?, query: PageQuery) throws -> Page<Alert> {
        var keyset = KeysetQuery()
        if let asset { keyset.add("asset = ?", asset.rawValue) }
        keyset.page(query, timeColumn: "raised_at", idColumn: "id")
        let sql = "SELECT \(Self.columns) FROM alerts" + keyset.whereSQL
            + KeysetQuery.orderSQL(timeColumn: "raised_at", idColumn: "id", limit: query.limit)
        let fetched = try read { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: keyset.statementArguments).map(Self.alert)
        }
        return Page(fetched: fetched, limit: query.limit) { PageCursor(time: $0.raisedAt, id: $0.id.string) }
    }

    public func summary(since: Timestamp?) throws -> [AlertCount] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT kind, severity, count(*), sum(resolved_at IS NULL) FROM alerts
                WHERE raised_at >= ? GROUP BY kind, severity ORDER BY kind, severity
                """, arguments: [since?.milliseconds ?? Int64.min])
            return try rows.map { row in
                AlertCount(kind: try row.enumValue(0), severity: try row.enumValue(1), total: row[2], open: row[3])
            }
        }
    }

    public func append(_ d: WebhookDelivery) throws {
        try write { db in
            try db.execute(sql: "INSERT INTO webhook_deliveries (id, alert_id, url, attempt, status, error, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [d.id.string, d.alertID.string, d.url, d.attempt, d.status, d.error, d.at.milliseconds])
        }
    }

    public func deliveries(alertID: ULID) throws -> [WebhookDelivery] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, alert_id, url, attempt, status, error, at FROM webhook_deliveries WHERE alert_id = ? ORDER BY at, id",
                             arguments: [alertID.string]).map { row in
                WebhookDelivery(id: try row.ulid(0), alertID: try row.ulid(1), url: row[2], attempt: row[3], status: row[4],
                                error: row[5], at: row.timestamp(6))
            }
        }
    }
}
