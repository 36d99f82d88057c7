public import Domain

extension JSONWriter {
    /// The short form of a model version embedded in other resources.
    public mutating func modelSummary(_ m: ModelVersion) {
        beginObject()
        field("id", m.id.string)
        field("family", m.family.rawValue)
        field("stage", m.stage.rawValue)
        field("created_at", m.createdAt)
        field("skill", m.metrics.skill)
        field("beats_baseline", m.metrics.beatsBaseline)
        endObject()
    }

    /// The full model version as the contract's `ModelVersion` schema.
    public mutating func modelVersion(_ m: ModelVersion) {
        beginObject()
        field("id", m.id.string)
        field("asset", m.asset.rawValue)
        field("family", m.family.rawValue)
        field("stage", m.stage.rawValue)
        field("feature_set", m.featureSet)
        field("created_at", m.createdAt)
        key("training_window"); beginObject()
        field("from", m.window.from)
        field("to", m.window.to)
        field("rows", m.window.trainRows)
        field("holdout_rows", m.window.holdoutRows)
        endObject()
        key("hyperparameters"); value(m.hyperparameters)
        key("metrics"); beginObject()
        field("rmse", m.metrics.rmse)
        field("mae", m.metrics.mae)
        field("r2", m.metrics.r2)
        field("directional_accuracy", m.metrics.directionalAccuracy)
        field("skill", m.metrics.skill)
        field("persistence_rmse", m.metrics.persistenceRMSE)
        field("beats_baseline", m.metrics.beatsBaseline)
        endObject()
        field("sha256", m.sha256)
        field("artifact_format", m.artifactFormat)
        field("run_id", m.runID?.string)
        key("feature_importance"); beginArray()
        for f in m.featureImportance {
            beginObject(); field("feature", f.feature); field("importance", f.importance); endObject()
        }
        endArray()
        endObject()
    }
}
