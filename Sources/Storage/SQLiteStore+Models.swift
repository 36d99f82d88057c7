import Foundation
public import Domain
import GRDB

extension SQLiteStore: ModelStore {
    private static let versionColumns = """
        id, asset, family, feature_set, stage, created_at, window_from, window_to, train_rows, holdout_rows,
        hyperparameters, rmse, mae, r2, directional_accuracy, skill, persistence_rmse, sha256, artifact_format,
        feature_importance, run_id
        """

    private static func version(_ row: Row) throws -> ModelVersion {
        ModelVersion(
            id: try row.ulid(0), asset: AssetID(row[1] as String), family: try row.enumValue(2), featureSet: row[3],
            stage: try row.enumValue(4), createdAt: row.timestamp(5),
            window: TrainingWindow(from: row.timestamp(6), to: row.timestamp(7), trainRows: row[8], holdoutRows: row[9]),
            hyperparameters: try JSONValueText.decode(row[10]),
            metrics: ModelMetrics(rmse: row.doubleOrNaN(11), mae: row.doubleOrNaN(12), r2: row.doubleOrNaN(13),
                                  directionalAccuracy: row.doubleOrNaN(14), skill: row.doubleOrNaN(15),
                                  persistenceRMSE: row.doubleOrNaN(16)),
            sha256: row[17], artifactFormat: row[18],
            featureImportance: try featureImportance(row[19]),
            runID: try row.optionalULID(20))
    }

    /// `[{"feature": …, "importance": …}, …]` through the store's own JSON reader: versions are
    /// read at every inference and validation run, and Foundation's decoder was most of that.
    static func featureImportance(_ text: String) throws -> [FeatureImportance] {
        guard case .array(let items) = try JSONValueText.decode(text) else {
            throw StoreError.corrupt("feature importance is not a JSON array")
        }
        return try items.map { item in
            guard let feature = item["feature"]?.stringValue else {
                throw StoreError.corrupt("feature importance entry without a feature name: \(item)")
            }
            switch item["importance"] {
            case .number(let importance)?: return FeatureImportance(feature: feature, importance: importance)
            case .null?: return FeatureImportance(feature: feature, importance: .nan)   // written for a non-finite value
            default: throw StoreError.corrupt("feature importance entry without a number: \(item)")
            }
        }
    }

    private static func fetchVersions(_ db: Database, sql: String, _ arguments: StatementArguments) throws -> [ModelVersion] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(version)
    }

    private static func fetchVersion(_ db: Database, id: String) throws -> ModelVersion? {
        try fetchVersions(db, sql: "SELECT \(versionColumns) FROM model_versions WHERE id = ?", [id]).first
    }

    public func register(_ version: ModelVersion, artifact: [UInt8]) throws {
        try registerAll([(version, artifact)])
    }

    public func registerAll(_ versions: [(version: ModelVersion, artifact: [UInt8])]) throws {
        let rows = versions.map { v, artifact -> (ModelVersion, String, String, [UInt8]) in
            (v, JSONValueText.encode(v.hyperparameters), Self.featureImportanceText(v.featureImportance), artifact)
        }
        try write { db in
            for (v, hyper, importance, artifact) in rows {
                let m = v.metrics
                try db.cachedStatement(sql: "INSERT INTO model_versions (\(Self.versionColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .execute(arguments: [v.id.string, v.asset.rawValue, v.family.rawValue, v.featureSet, v.stage.rawValue,
                                         v.createdAt.milliseconds, v.window.from.milliseconds, v.window.to.milliseconds,
                                         v.window.trainRows, v.window.holdoutRows, hyper, m.rmse, m.mae, m.r2,
                                         m.directionalAccuracy, m.skill, m.persistenceRMSE, v.sha256, v.artifactFormat,
                                         importance, v.runID?.string])
                try db.cachedStatement(sql: "INSERT INTO model_artifacts (model_id, bytes) VALUES (?, ?)")
                    .execute(arguments: [v.id.string, Data(artifact)])
            }
        }
    }

    /// `[{"feature": …, "importance": …}, …]`, the form ``featureImportance(_:)`` reads.
    static func featureImportanceText(_ items: [FeatureImportance]) -> String {
        JSONValueText.encode(.array(items.map { .object([("feature", .string($0.feature)), ("importance", .number($0.importance))]) }))
    }

    public func version(id: ULID) throws -> ModelVersion? {
        try read { db in try Self.fetchVersion(db, id: id.string) }
    }

    public func versions(filter: ModelVersionFilter, query: PageQuery) throws -> Page<ModelVersion> {
        var keyset = KeysetQuery()
        if let asset = filter.asset { keyset.add("asset = ?", asset.rawValue) }
        if let family = filter.family { keyset.add("family = ?", family.rawValue) }
        if let stage = filter.stage { keyset.add("stage = ?", stage.rawValue) }
        keyset.page(query, timeColumn: "created_at", idColumn: "id")
        let sql = "SELECT \(Self.versionColumns) FROM model_versions" + keyset.whereSQL
            + KeysetQuery.orderSQL(timeColumn: "created_at", idColumn: "id", limit: query.limit)
        let fetched = try read { db in try Self.fetchVersions(db, sql: sql, keyset.statementArguments) }
        return Page(fetched: fetched, limit: query.limit) { PageCursor(time: $0.createdAt, id: $0.id.string) }
    }

    public func artifact(id: ULID) throws -> [UInt8]? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT bytes FROM model_artifacts WHERE model_id = ?", arguments: [id.string])
                .map { $0.bytes(0) }
        }
    }

    public func production(asset: AssetID, featureSet: String) throws -> ModelVersion? {
        try read { db in
            try Self.fetchVersions(db, sql: "SELECT \(Self.versionColumns) FROM model_versions WHERE asset = ? AND feature_set = ? AND stage = 'production'",
                                   [asset.rawValue, featureSet]).first
        }
    }

    /// An asset's challengers, newest first (argument: asset), read from the stage index
    /// rather than by walking every version the asset ever had.
    static let challengersSQL = "SELECT \(versionColumns) FROM model_versions WHERE asset = ? AND stage = 'challenger' ORDER BY created_at DESC, id DESC"

    public func challengers(asset: AssetID) throws -> [ModelVersion] {
        try read { db in try Self.fetchVersions(db, sql: Self.challengersSQL, [asset.rawValue]) }
    }

    public func setStage(id: ULID, stage: ModelStage) throws {
        guard stage != .production else {
            throw StoreError.conflict("production changes only through changeProduction")
        }
        try write { db in
            guard let current = try Self.fetchVersion(db, id: id.string) else { throw StoreError.notFound("model version \(id)") }
            guard current.stage != .production else {
                throw StoreError.conflict("model version \(id) is production; change production to move it")
            }
            try db.execute(sql: "UPDATE model_versions SET stage = ? WHERE id = ?", arguments: [stage.rawValue, id.string])
        }
    }

    public func changeProduction(asset: AssetID, to id: ULID, reason: ProductionChangeReason, detail: String,
                                 at: Timestamp, changeID: ULID, previousStage: ModelStage) throws -> ProductionChange {
        guard previousStage != .production else { throw StoreError.conflict("the previous production cannot stay production") }
        return try write { db in
            guard let target = try Self.fetchVersion(db, id: id.string) else { throw StoreError.notFound("model version \(id)") }
            guard target.asset == asset else {
                throw StoreError.conflict("model version \(id) belongs to \(target.asset), not \(asset)")
            }
            guard target.stage != .production else { throw StoreError.conflict("model version \(id) is already production") }
            let old = try Self.fetchVersions(db, sql: "SELECT \(Self.versionColumns) FROM model_versions WHERE asset = ? AND feature_set = ? AND stage = 'production'",
                                             [asset.rawValue, target.featureSet]).first
            if let old {
                try db.execute(sql: "UPDATE model_versions SET stage = ? WHERE id = ?", arguments: [previousStage.rawValue, old.id.string])
            }
            try db.execute(sql: "UPDATE model_versions SET stage = 'production' WHERE id = ?", arguments: [id.string])
            let change = ProductionChange(id: changeID, asset: asset, from: old?.id, to: id, at: at, reason: reason, detail: detail)
            try db.execute(sql: "INSERT INTO production_changes (id, asset, from_id, to_id, at, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [changeID.string, asset.rawValue, old?.id.string, id.string, at.milliseconds,
                                       reason.rawValue, detail])
            return change
        }
    }

    public func history(asset: AssetID?, query: PageQuery) throws -> Page<ProductionChange> {
        var keyset = KeysetQuery()
        if let asset { keyset.add("asset = ?", asset.rawValue) }
        keyset.page(query, timeColumn: "at", idColumn: "id")
        let sql = "SELECT id, asset, from_id, to_id, at, reason, detail FROM production_changes" + keyset.whereSQL
            + KeysetQuery.orderSQL(timeColumn: "at", idColumn: "id", limit: query.limit)
        let fetched = try read { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: keyset.statementArguments).map { row in
                ProductionChange(id: try row.ulid(0), asset: AssetID(row[1] as String), from: try row.optionalULID(2),
                                 to: try row.ulid(3), at: row.timestamp(4), reason: try row.enumValue(5), detail: row[6])
            }
        }
        return Page(fetched: fetched, limit: query.limit) { PageCursor(time: $0.at, id: $0.id.string) }
    }

    /// Unpinned artifacts of versions that are neither production nor challengers and have at
    /// least `?` (twice: the limit, then the bound) newer versions of their asset. The count
    /// reads only the newer versions' range of `model_versions_by_asset`.
    static let unpinnedBeyondKeepSQL = """
        SELECT v.id FROM model_artifacts a JOIN model_versions v ON v.id = a.model_id
        WHERE a.pinned = 0 AND v.stage NOT IN ('production', 'challenger')
          AND (SELECT count(*) FROM (
                  SELECT 1 FROM model_versions newer
                  WHERE newer.asset = v.asset AND (newer.created_at, newer.id) > (v.created_at, v.id)
                  LIMIT ?)) >= ?
        """

    public func pruneArtifacts(keepPerAsset: Int) throws -> Int {
        let keep = max(0, keepPerAsset)
        return try write { db in
            // A version that made a prediction keeps its bytes for good (every prediction stays
            // replayable and explainable) and predictions are never deleted: pin it once, so
            // only the few unpinned artifacts (the newest versions) are looked at from now on.
            try db.execute(sql: """
                UPDATE model_artifacts SET pinned = 1 WHERE pinned = 0 AND EXISTS (
                    SELECT 1 FROM model_versions v JOIN predictions p ON p.asset = v.asset AND p.model_id = v.id
                    WHERE v.id = model_artifacts.model_id)
                """)
            // Of the rest, drop the bytes of versions with at least `keep` newer versions of their
            // asset, except those that may still be loaded: production, challengers, and the
            // version the latest change of production replaced (the rollback target).
            try db.execute(sql: """
                DELETE FROM model_artifacts WHERE pinned = 0 AND model_id IN (\(Self.unpinnedBeyondKeepSQL)) AND model_id NOT IN (
                    SELECT from_id FROM production_changes latest
                    WHERE from_id IS NOT NULL AND latest.id = (
                        SELECT id FROM production_changes p WHERE p.asset = latest.asset ORDER BY at DESC, id DESC LIMIT 1)
                )
                """, arguments: [keep, keep])
            return db.changesCount
        }
    }
}
