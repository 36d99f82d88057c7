public import Domain
import GRDB

extension SQLiteStore: DriftStore {
    private static let columns = """
        id, asset, feature_set, created_at, reference_from, reference_to, current_from, current_to,
        score, share_drifted, detected, consecutive, features, triggered_run_id
        """

    private static func report(_ row: Row) throws -> DriftReport {
        DriftReport(id: try row.ulid(0), asset: AssetID(row[1] as String), featureSet: row[2], createdAt: row.timestamp(3),
                    referenceFrom: row.timestamp(4), referenceTo: row.timestamp(5), currentFrom: row.timestamp(6),
                    currentTo: row.timestamp(7), score: row.doubleOrNaN(8), shareDrifted: row.doubleOrNaN(9),
                    detected: row[10], consecutive: row[11],
                    features: try JSONText.decode([FeatureDrift].self, from: row[12]),
                    triggeredRunID: try row.optionalULID(13))
    }

    public func insert(_ r: DriftReport) throws {
        let features = try JSONText.encode(r.features)
        try write { db in
            try db.execute(sql: "INSERT INTO drift_reports (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [r.id.string, r.asset.rawValue, r.featureSet, r.createdAt.milliseconds,
                                       r.referenceFrom.milliseconds, r.referenceTo.milliseconds, r.currentFrom.milliseconds,
                                       r.currentTo.milliseconds, r.score, r.shareDrifted, r.detected, r.consecutive,
                                       features, r.triggeredRunID?.string])
        }
    }

    public func latest(asset: AssetID) throws -> DriftReport? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.columns) FROM drift_reports WHERE asset = ? ORDER BY created_at DESC, id DESC LIMIT 1"),
                             arguments: [asset.rawValue]).map(Self.report)
        }
    }

    public func reports(asset: AssetID, query: PageQuery) throws -> Page<DriftReport> {
        var keyset = KeysetQuery()
        keyset.add("asset = ?", asset.rawValue)
        keyset.page(query, timeColumn: "created_at", idColumn: "id")
        let sql = "SELECT \(Self.columns) FROM drift_reports" + keyset.whereSQL
            + KeysetQuery.orderSQL(timeColumn: "created_at", idColumn: "id", limit: query.limit)
        let fetched = try read { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: keyset.statementArguments).map(Self.report)
        }
        return Page(fetched: fetched, limit: query.limit) { PageCursor(time: $0.createdAt, id: $0.id.string) }
    }
}
