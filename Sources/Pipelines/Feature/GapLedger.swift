import Synchronization

/// Running totals of gaps the feature pipeline found in stored bars and how many it filled,
/// reported at `/v1/sources`.
public final class GapLedger: Sendable {
    private let counts = Mutex((found: 0, backfilled: 0))
    public init() {}
    public func record(found: Int, backfilled: Int) { counts.withLock { $0.found += found; $0.backfilled += backfilled } }
    public var totals: (found: Int, backfilled: Int) { counts.withLock { $0 } }
}
