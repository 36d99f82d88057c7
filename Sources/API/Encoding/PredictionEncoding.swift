public import Domain
public import Pipelines

extension JSONWriter {
    /// The contract's `Prediction` object. `stage` is the model's stage now when the caller
    /// looked it up; otherwise its role when the prediction was made (production or challenger).
    public mutating func prediction(_ p: Prediction, stage: ModelStage? = nil) {
        beginObject()
        predictionFields(p, stage: stage)
        endObject()
    }

    /// The prediction's fields inside an object the caller opened (the latest route appends
    /// freshness after them).
    public mutating func predictionFields(_ p: Prediction, stage: ModelStage?) {
        field("id", p.id.string)
        field("asset", p.asset.rawValue)
        field("made_at", p.madeAt)
        field("bar_time", p.barTime)
        field("target_time", p.targetTime)
        field("horizon_minutes", Int((p.targetTime.milliseconds - p.barTime.milliseconds - BarGrid.step.value) / 60_000))
        field("price", p.price)
        field("predicted_return", p.predictedReturn)
        field("predicted_price", p.predictedPrice)
        field("direction", p.direction.rawValue)
        field("confidence", p.confidence)
        field("regime", p.regime)
        key("model"); beginObject()
        field("id", p.modelID.string)
        field("family", p.modelFamily.rawValue)
        field("stage", (stage ?? (p.shadow ? .challenger : .production)).rawValue)
        field("skill", p.modelSkill)
        field("beats_baseline", p.modelSkill > 0)
        endObject()
        field("shadow", p.shadow)
        field("feature_set", p.featureSet)
        field("features_sha256", p.featuresSHA256)
        key("validation"); beginObject()
        field("status", p.validation.isValidated ? "validated" : "pending")
        field("outcome", p.validation.outcome?.rawValue)
        field("actual_price", p.validation.actualPrice)
        field("actual_time", p.validation.actualTime)
        field("error", p.validation.error)
        field("validated_at", p.validation.validatedAt)
        field("note", p.validation.isValidated ? nil : (p.validation.note ?? PredictionValidation.pending.note))
        endObject()
    }

    /// Live quality numbers (`ScoreStats` in the contract).
    public mutating func scoreStats(_ s: ScoreStats) {
        beginObject()
        field("count", s.count)
        key("outcomes"); beginObject()
        field("correct", s.correct); field("incorrect", s.incorrect); field("flat", s.flat)
        endObject()
        field("hit_rate", s.hitRate)
        key("hit_rate_ci95")
        if let lo = s.hitRateLower, let hi = s.hitRateUpper { beginArray(); value(lo); value(hi); endArray() } else { null() }
        field("mae_bps", s.maeBasisPoints)
        field("rmse", s.rmse)
        field("persistence_rmse", s.persistenceRMSE)
        field("skill_vs_persistence", s.skillVsPersistence)
        field("last_move_hit_rate", s.lastMoveHitRate)
        field("last_move_count", s.lastMoveCount)
        field("skill_vs_last_move", s.skillVsLastMove)
        endObject()
    }
}

/// Renders the latest-prediction cache entries: the stable part of the body (an open object
/// holding the prediction's fields) and its ETag, computed once per new prediction.
public enum PredictionEncoding {
    public static func latestStable(_ p: Prediction, modelCreatedAt: Timestamp?) -> (body: [UInt8], etag: String) {
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.predictionFields(p, stage: nil)
        return (w.bytes, ConditionalGET.etag(w.bytes[...]))
    }
}
