public import Domain
import Synchronization

/// The champion's newest prediction per asset, kept in memory with its JSON already
/// rendered, so `GET /v1/assets/{asset}/predictions/latest` answers without touching the
/// store (the fastest route of the service).
///
/// The pipelines update it as they store or validate predictions; ``warm(from:assets:)``
/// fills it from the store at start-up, and inference/validation runs re-read the store's
/// newest entry, so predictions written by another process (`sentinel run` from cron) appear
/// at the server's next run. An entry never goes back in time (older bar → ignored).
public final class LatestPredictions: Sendable {
    /// One asset's entry: the prediction, when its model was trained (for freshness) and the
    /// rendered stable part of the response with its ETag.
    public struct Entry: Sendable {
        public let prediction: Prediction
        public let modelCreatedAt: Timestamp?
        /// The response body up to (not including) its volatile fields; empty without renderer.
        public let stableBody: [UInt8]
        public let etag: String
    }

    /// Renders a prediction's stable JSON (the API installs its encoder) and its ETag.
    public typealias Renderer = @Sendable (Prediction, Timestamp?) -> (body: [UInt8], etag: String)

    /// A struct, not a tuple: a `Mutex` holding a tuple leaked memory on every `withLock`
    /// (Swift 6.3; ~90 bytes a request on this route under load).
    private struct State {
        var entries: [AssetID: Entry] = [:]
        var renderer: Renderer?
    }

    private let state = Mutex(State())

    public init() {}

    public func entry(_ asset: AssetID) -> Entry? {
        var found: Entry?
        state.withLock { found = $0.entries[asset] }
        return found
    }

    /// Installs the renderer and re-renders what is cached.
    public func install(renderer: @escaping Renderer) {
        state.withLock { s in
            s.renderer = renderer
            for (a, e) in s.entries {
                let r = renderer(e.prediction, e.modelCreatedAt)
                s.entries[a] = Entry(prediction: e.prediction, modelCreatedAt: e.modelCreatedAt, stableBody: r.body, etag: r.etag)
            }
        }
    }

    /// Offers a champion prediction; kept when it is at least as new as the cached one (a
    /// validation of the cached prediction replaces it too). Shadow predictions are ignored.
    public func offer(_ p: Prediction, modelCreatedAt: Timestamp?) {
        guard !p.shadow else { return }
        let renderer = state.withLock { $0.renderer }
        if let current = entry(p.asset), !isNewer(p, than: current.prediction) { return }
        // Rendering happens outside the lock so readers never wait for it.
        let r: (body: [UInt8], etag: String) = renderer?(p, modelCreatedAt) ?? (body: [], etag: "")
        let e = Entry(prediction: p, modelCreatedAt: modelCreatedAt, stableBody: r.body, etag: r.etag)
        state.withLock { s in
            if let current = s.entries[p.asset], !isNewer(p, than: current.prediction) { return }
            s.entries[p.asset] = e
        }
    }

    /// Reads each asset's newest champion prediction from the store (start-up, and after
    /// runs to pick up other processes' writes).
    public func warm(from predictions: any PredictionStore, models: any ModelStore, assets: [AssetID]) throws {
        for a in assets {
            guard let p = try predictions.latest(asset: a, shadow: false) else { continue }
            if let current = entry(a), current.prediction == p { continue }
            offer(p, modelCreatedAt: try models.version(id: p.modelID)?.createdAt)
        }
    }

    private func isNewer(_ p: Prediction, than c: Prediction) -> Bool {
        if p.barTime != c.barTime { return p.barTime > c.barTime }
        if p.id == c.id { return p != c }
        return p.id > c.id
    }
}
