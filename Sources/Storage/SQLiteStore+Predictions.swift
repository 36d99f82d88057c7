public import Domain
import GRDB

extension SQLiteStore: PredictionStore {
    private static let columns = """
        id, asset, model_id, model_family, shadow, feature_set, features_sha256, made_at, bar_time, target_time,
        price, predicted_return, predicted_price, direction, confidence, regime, model_skill,
        outcome, actual_price, actual_time, error, validated_at, note
        """

    private static func prediction(_ row: Row) throws -> Prediction {
        Prediction(
            id: try row.ulid(0), asset: AssetID(row[1] as String), modelID: try row.ulid(2),
            modelFamily: try row.enumValue(3), shadow: row[4], featureSet: row[5], featuresSHA256: row[6],
            madeAt: row.timestamp(7), barTime: row.timestamp(8), targetTime: row.timestamp(9),
            price: row.doubleOrNaN(10), predictedReturn: row.doubleOrNaN(11), predictedPrice: row.doubleOrNaN(12),
            direction: try row.enumValue(13), confidence: row[14], regime: row[15], modelSkill: row.doubleOrNaN(16),
            validation: PredictionValidation(outcome: try row.optionalEnum(17), actualPrice: row[18],
                                             actualTime: row.optionalTimestamp(19), error: row[20],
                                             validatedAt: row.optionalTimestamp(21), note: row[22]))
    }

    private static func fetch(_ db: Database, sql: String, _ arguments: StatementArguments) throws -> [Prediction] {
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var items: [Prediction] = []
        while let row = try cursor.next() { items.append(try prediction(row)) }
        return items
    }

    public func insert(_ p: Prediction) throws -> (prediction: Prediction, inserted: Bool) {
        try write { db in try Self.insert(p, db) }
    }

    public func insertAll(_ predictions: [Prediction]) throws -> [(prediction: Prediction, inserted: Bool)] {
        try write { db in try predictions.map { try Self.insert($0, db) } }
    }

    private static func insert(_ p: Prediction, _ db: Database) throws -> (prediction: Prediction, inserted: Bool) {
        let existing = try fetch(db, sql: "SELECT \(columns) FROM predictions WHERE asset = ? AND model_id = ? AND bar_time = ?",
                                 [p.asset.rawValue, p.modelID.string, p.barTime.milliseconds]).first
        if let existing { return (existing, false) }
        let v = p.validation
        try db.cachedStatement(sql: "INSERT INTO predictions (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [
                p.id.string, p.asset.rawValue, p.modelID.string, p.modelFamily.rawValue, p.shadow, p.featureSet,
                p.featuresSHA256, p.madeAt.milliseconds, p.barTime.milliseconds, p.targetTime.milliseconds,
                p.price, p.predictedReturn, p.predictedPrice, p.direction.rawValue, p.confidence, p.regime,
                p.modelSkill, v.outcome?.rawValue, v.actualPrice, v.actualTime?.milliseconds, v.error,
                v.validatedAt?.milliseconds, v.note,
            ])
        return (p, true)
    }

    public func prediction(id: ULID) throws -> Prediction? {
        try read { db in try Self.fetch(db, sql: "SELECT \(Self.columns) FROM predictions WHERE id = ?", [id.string]).first }
    }

    public func latest(asset: AssetID, shadow: Bool) throws -> Prediction? {
        try read { db in
            try Self.fetch(db, sql: "SELECT \(Self.columns) FROM predictions WHERE asset = ? AND shadow = ? ORDER BY bar_time DESC, id DESC LIMIT 1",
                           [asset.rawValue, shadow]).first
        }
    }

    public func page(asset: AssetID, filter: PredictionFilter, query: PageQuery) throws -> Page<Prediction> {
        let (sql, arguments) = Self.pageSQL(asset: asset, filter: filter, query: query)
        let fetched = try read { db in try Self.fetch(db, sql: sql, arguments) }
        return Page(fetched: fetched, limit: query.limit) { PageCursor(time: $0.barTime, id: $0.id.string) }
    }

    static func pageSQL(asset: AssetID, filter: PredictionFilter, query: PageQuery) -> (String, StatementArguments) {
        var keyset = KeysetQuery()
        keyset.add("asset = ?", asset.rawValue)
        switch filter.outcome {
        case nil: break
        case .pending?: keyset.add("outcome IS NULL")
        case let outcome?: keyset.add("outcome = ?", outcome.rawValue)
        }
        if let model = filter.modelID { keyset.add("model_id = ?", model.string) }
        if let shadow = filter.shadow { keyset.add("shadow = ?", shadow) }
        keyset.page(query, timeColumn: "bar_time", idColumn: "id")
        // INDEXED BY pins the (asset, bar_time, id) range scan: with a model filter the
        // planner could otherwise pick the unique (asset, model_id, bar_time) index and sort.
        let sql = "SELECT \(Self.columns) FROM predictions INDEXED BY predictions_by_bar" + keyset.whereSQL
            + KeysetQuery.orderSQL(timeColumn: "bar_time", idColumn: "id", limit: query.limit)
        return (sql, keyset.statementArguments)
    }

    public func pendingDue(before: Timestamp, limit: Int) throws -> [Prediction] {
        try read { db in
            try Self.fetch(db, sql: "SELECT \(Self.columns) FROM predictions WHERE outcome IS NULL AND target_time <= ? ORDER BY target_time, id LIMIT ?",
                           [before.milliseconds, max(0, limit)])
        }
    }

    @discardableResult
    public func recordValidation(id: ULID, _ v: PredictionValidation) throws -> Prediction {
        try write { db in
            try db.cachedStatement(sql: """
                UPDATE predictions SET outcome = ?, actual_price = ?, actual_time = ?, error = ?, validated_at = ?, note = ?
                WHERE id = ?
                """).execute(arguments: [v.outcome?.rawValue, v.actualPrice, v.actualTime?.milliseconds, v.error,
                                         v.validatedAt?.milliseconds, v.note, id.string])
            guard db.changesCount == 1,
                  let updated = try Self.fetch(db, sql: "SELECT \(Self.columns) FROM predictions WHERE id = ?", [id.string]).first
            else { throw StoreError.notFound("prediction \(id)") }
            return updated
        }
    }

    /// Validated predictions of one model (arguments: asset, model, since) and of every model
    /// (asset, since), oldest target first: each a range of its own partial index, so the
    /// cost follows the window asked for, not the asset's whole history.
    static let validatedOfModelSQL = "SELECT \(columns) FROM predictions WHERE asset = ? AND model_id = ? AND outcome IS NOT NULL AND target_time >= ? ORDER BY target_time, id"
    static let validatedSQL = "SELECT \(columns) FROM predictions WHERE asset = ? AND outcome IS NOT NULL AND target_time >= ? ORDER BY target_time, id"

    public func validated(asset: AssetID, modelID: ULID?, since: Timestamp) throws -> [Prediction] {
        try read { db in
            if let modelID {
                return try Self.fetch(db, sql: Self.validatedOfModelSQL, [asset.rawValue, modelID.string, since.milliseconds])
            }
            return try Self.fetch(db, sql: Self.validatedSQL, [asset.rawValue, since.milliseconds])
        }
    }

    // Both read the partial index `predictions_validated` (asset, model_id, target_time, id):
    // the count never touches the table, the returns only for the rows they return.
    static let validatedReturnsSQL = """
        SELECT bar_time, target_time, price, predicted_return, actual_price FROM predictions
        WHERE asset = ? AND model_id = ? AND outcome IS NOT NULL AND target_time >= ? ORDER BY target_time, id
        """
    static let validatedCountSQL = """
        SELECT count(*) FROM predictions
        WHERE asset = ? AND model_id = ? AND outcome IS NOT NULL AND target_time BETWEEN ? AND ?
        """

    public func validatedReturns(asset: AssetID, modelID: ULID, from: Timestamp) throws -> [ValidatedReturn] {
        try read { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: Self.validatedReturnsSQL),
                                           arguments: [asset.rawValue, modelID.string, from.milliseconds])
            var items: [ValidatedReturn] = []
            while let row = try rows.next() {
                guard let actual = row[4] as Double? else { continue }
                items.append(ValidatedReturn(barTime: row.timestamp(0), targetTime: row.timestamp(1), price: row.doubleOrNaN(2),
                                             predictedReturn: row.doubleOrNaN(3), actualPrice: actual))
            }
            return items
        }
    }

    public func validatedCount(asset: AssetID, modelID: ULID, targetTimes: ClosedRange<Timestamp>) throws -> Int {
        try read { db in
            try Int.fetchOne(db.cachedStatement(sql: Self.validatedCountSQL),
                             arguments: [asset.rawValue, modelID.string, targetTimes.lowerBound.milliseconds,
                                         targetTimes.upperBound.milliseconds]) ?? 0
        }
    }

    public func count(asset: AssetID?) throws -> Int {
        try read { db in
            if let asset {
                return try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM predictions WHERE asset = ?"), arguments: [asset.rawValue]) ?? 0
            }
            return try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM predictions")) ?? 0
        }
    }
}
