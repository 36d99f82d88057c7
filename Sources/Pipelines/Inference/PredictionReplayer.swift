public import Domain
import Learning

/// Recomputes a stored prediction from its stored feature row and stored model version, and
/// explains it feature by feature (TreeSHAP for trees, linear SHAP for ridge, on the scaled
/// row the model was fitted on).
public struct PredictionReplayer: Sendable {
    let features: any FeatureStore
    let cache: ModelBundleCache

    public init(features: any FeatureStore, cache: ModelBundleCache) { self.features = features; self.cache = cache }

    /// The recomputation of one prediction.
    public struct Replay: Sendable, Equatable {
        public var predictedReturn: Double
        public var predictedPrice: Double
        public var direction: Direction
        /// SHA-256 of the stored feature row as it is now.
        public var featuresSHA256: String
        /// Bit-identical return and the same feature hash as when it was made.
        public var identical: Bool
    }

    /// One feature's push away from the expected value.
    public struct Contribution: Sendable, Equatable {
        public var feature: String
        public var value: Double
        public var contribution: Double
    }

    /// Per-feature contributions with `expectedValue + sum == prediction` (checked).
    public struct Explanation: Sendable, Equatable {
        public var expectedValue: Double
        public var contributions: [Contribution]
        public var prediction: Double
        /// |expected + Σ contributions − prediction|: at rounding level when the explanation is exact.
        public var residual: Double
        public var additive: Bool { residual <= 1e-9 * max(1, abs(prediction)) }
    }

    /// What can stop a replay: the row or the model is gone.
    public enum ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
        case featureRowMissing(AssetID, Timestamp)
        case model(String)
        public var description: String {
            switch self {
            case .featureRowMissing(let a, let t): return "no stored \(a) feature row for bar \(t.rfc3339)"
            case .model(let m): return m
            }
        }
    }

    public func replay(_ p: Prediction) throws -> Replay {
        let (row, model) = try inputs(p)
        guard let r = try model.artifact.predict(raw: row.values[...]) else {
            throw ReplayError.model("model \(p.modelID) does not predict a return")
        }
        let hash = InferencePipeline.featuresSHA256(row.values)
        return Replay(predictedReturn: r, predictedPrice: row.close * exp(r), direction: r > 0 ? .up : .down,
                      featuresSHA256: hash,
                      identical: r.bitPattern == p.predictedReturn.bitPattern && hash == p.featuresSHA256)
    }

    public func explain(_ p: Prediction) throws -> Explanation {
        let (row, model) = try inputs(p)
        guard let predictor = model.artifact.payload.predictor else {
            throw ReplayError.model("model \(p.modelID) cannot be explained")
        }
        let scaled = model.artifact.scaler?.transform(row.values) ?? row.values
        let prediction = predictor.predict(scaled)
        let contributions = predictor.contributions(scaled[...])
        let sum = contributions.reduce(predictor.expectedValue, +)
        let items = zip(model.artifact.columns, zip(row.values, contributions)).map {
            Contribution(feature: $0.0, value: $0.1.0, contribution: $0.1.1)
        }
        return Explanation(expectedValue: predictor.expectedValue, contributions: items, prediction: prediction,
                           residual: abs(sum - prediction))
    }

    private func inputs(_ p: Prediction) throws -> (FeatureRow, LoadedModel) {
        guard let row = try features.rows(asset: p.asset, featureSet: p.featureSet, from: p.barTime, to: p.barTime,
                                          selection: .all).first else {
            throw ReplayError.featureRowMissing(p.asset, p.barTime)
        }
        do { return (row, try cache.model(id: p.modelID)) } catch let e as PipelineError {
            throw ReplayError.model(e.description)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
