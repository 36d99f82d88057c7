import Synchronization

/// Where timestamps come from. Everything that stamps a record or decides what is
/// "now" asks a `WallClock`, never the system directly, so tests and `sentinel simulate`
/// run days of schedule in seconds. (Sleeping and scheduling use `any Clock<Duration>`.)
public protocol WallClock: Sendable {
    func now() -> Timestamp
}

/// The operating system's real-time clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(milliseconds: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}

/// A clock that moves only when told to; safe to share between threads.
public final class ManualWallClock: WallClock {
    private let current: Mutex<Timestamp>
    public init(_ start: Timestamp) { current = Mutex(start) }
    public func now() -> Timestamp { current.withLock { $0 } }
    public func set(_ t: Timestamp) { current.withLock { $0 = t } }
    public func advance(by d: Milliseconds) { current.withLock { $0 = $0 + d } }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
