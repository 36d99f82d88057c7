import Domain
import Synchronization

/// Stops calling a source that keeps failing: after `failureThreshold` consecutive failed
/// calls it opens for `openDuration`, then admits a single probe whose outcome closes it
/// or opens it again.
final class CircuitBreaker: Sendable {
    enum Admission: Equatable { case allowed, rejected(retryAfter: Milliseconds) }

    private enum Phase { case closed, open(until: Timestamp), probing }
    private struct State { var phase = Phase.closed; var failures = 0 }

    private let policy: CoinGeckoConfiguration.BreakerPolicy
    private let clock: any WallClock
    private let state = Mutex(State())

    init(policy: CoinGeckoConfiguration.BreakerPolicy, clock: any WallClock) {
        self.policy = policy; self.clock = clock
    }

    func admit() -> Admission {
        let now = clock.now()
        return state.withLock { s in
            switch s.phase {
            case .closed: return .allowed
            case .open(let until) where now < until: return .rejected(retryAfter: until - now)
            case .open: s.phase = .probing; return .allowed
            // While the probe runs, everyone else waits for its verdict.
            case .probing: return .rejected(retryAfter: .seconds(1))
            }
        }
    }

    /// The source answered sensibly (including a 404 for an unknown coin).
    func recordSuccess() { state.withLock { $0 = State() } }

    func recordFailure() {
        let now = clock.now()
        state.withLock { s in
            s.failures += 1
            switch s.phase {
            case .probing: s.phase = .open(until: now + policy.openDuration)
            case .closed where s.failures >= policy.failureThreshold: s.phase = .open(until: now + policy.openDuration)
            default: break
            }
        }
    }

    /// The admitted call never reached the source (e.g. no budget): give the probe back.
    func recordAbandoned() {
        let now = clock.now()
        state.withLock { s in if case .probing = s.phase { s.phase = .open(until: now) } }
    }

    var circuit: MarketSourceStatus.Circuit {
        let now = clock.now()
        return state.withLock { s in
            switch s.phase {
            case .closed: return .closed
            case .open(let until) where now < until: return .open(until: until)
            case .open, .probing: return .halfOpen
            }
        }
    }
}
