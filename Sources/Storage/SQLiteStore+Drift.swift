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
                    features: try features(row[12]),
                    triggeredRunID: try row.optionalULID(13))
    }

    /// The per-feature results as JSON text, keys sorted as Foundation's encoder wrote them,
    /// through the store's own JSON writer and reader: every drift check writes a report and
    /// reads the previous one, and Foundation's coders were most of that.
    static func featuresText(_ features: [FeatureDrift]) -> String {
        JSONValueText.encode(.array(features.map { f in
            .object([("adjustedPValue", .number(f.adjustedPValue)), ("deciding", .bool(f.deciding)),
                     ("drifted", .bool(f.drifted)), ("feature", .string(f.feature)), ("ksStatistic", .number(f.ksStatistic)),
                     ("pValue", .number(f.pValue)), ("psi", .number(f.psi))])
        }))
    }

    static func features(_ text: String) throws -> [FeatureDrift] {
        guard case .array(let items) = try JSONValueText.decode(text) else { throw StoreError.corrupt("drift features are not a JSON array") }
        return try items.map { item in
            func number(_ key: String) throws -> Double {
                switch item[key] {
                case .number(let d)?: return d
                case .null?: return .nan   // a non-finite value is written as null
                default: throw StoreError.corrupt("drift feature entry without a number '\(key)': \(item)")
                }
            }
            func flag(_ key: String) throws -> Bool {
                guard case .bool(let b)? = item[key] else { throw StoreError.corrupt("drift feature entry without '\(key)': \(item)") }
                return b
            }
            guard let feature = item["feature"]?.stringValue else { throw StoreError.corrupt("drift feature entry without a name: \(item)") }
            return FeatureDrift(feature: feature, ksStatistic: try number("ksStatistic"), pValue: try number("pValue"),
                                adjustedPValue: try number("adjustedPValue"), psi: try number("psi"),
                                drifted: try flag("drifted"), deciding: try flag("deciding"))
        }
    }

    public func insert(_ r: DriftReport) throws {
        let features = Self.featuresText(r.features)
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
