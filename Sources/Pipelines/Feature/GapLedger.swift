import Synchronization

/// Running totals of gaps the feature pipeline found in stored bars and how many it filled,
/// reported at `/v1/sources`.
public final class GapLedger: Sendable {
    // A struct, not a tuple: a Mutex holding a tuple leaked on every access (Swift 6.3, seen
    // in LatestPredictions under load).
    private struct Counts { var found = 0, backfilled = 0 }
    private let counts = Mutex(Counts())
    public init() {}
    public func record(found: Int, backfilled: Int) { counts.withLock { $0.found += found; $0.backfilled += backfilled } }
    public var totals: (found: Int, backfilled: Int) { counts.withLock { ($0.found, $0.backfilled) } }
}
