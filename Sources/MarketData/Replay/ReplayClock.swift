public import Domain
import Synchronization

/// The virtual clock a replay runs on: `now = start + (real time elapsed × speed)`.
///
/// In manual mode it moves only when told (`set`, `advance`), for tests and
/// `sentinel simulate`. Setting a running clock re-anchors it: time continues from the
/// new instant at the same speed. Safe to share between threads.
public final class ReplayClock: WallClock {
    private struct State {
        var anchor: Timestamp
        var realAnchor: ContinuousClock.Instant
        var speed: Double
        var running: Bool
    }

    private let state: Mutex<State>

    /// A clock that starts at `start` and runs at `speed`× real time (60: a market minute per second).
    public init(start: Timestamp, speed: Double = 1) {
        state = Mutex(State(anchor: start, realAnchor: .now, speed: speed.isFinite && speed > 0 ? speed : 1, running: true))
    }

    /// A clock that stands still at `start` until set or advanced.
    public static func manual(start: Timestamp) -> ReplayClock {
        let clock = ReplayClock(start: start)
        clock.state.withLock { $0.running = false }
        return clock
    }

    public var speed: Double { state.withLock { $0.speed } }
    public var isManual: Bool { state.withLock { !$0.running } }

    public func now() -> Timestamp {
        state.withLock { s in
            guard s.running else { return s.anchor }
            let elapsed = s.realAnchor.duration(to: .now)
            let ms = (Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15) * s.speed
            return s.anchor + Milliseconds(Int64(ms.rounded(.down)))
        }
    }

    public func set(_ time: Timestamp) {
        state.withLock { s in s.anchor = time; s.realAnchor = .now }
    }

    public func advance(by span: Milliseconds) {
        let current = now()
        set(current + span)
    }
}
