import Domain
import MarketData
import Synchronization

/// A sleeper that returns at once and remembers every requested wait; optionally it moves
/// a manual clock forward by the wait, as real sleeping would.
final class RecordingSleeper: Sendable {
    private let waits = Mutex<[Milliseconds]>([])
    private let clock: ManualWallClock?

    init(advancing clock: ManualWallClock? = nil) { self.clock = clock }

    var recorded: [Milliseconds] { waits.withLock { $0 } }

    var sleeper: BackoffSleeper {
        BackoffSleeper { [self] delay in
            waits.withLock { $0.append(delay) }
            clock?.advance(by: delay)
        }
    }
}
