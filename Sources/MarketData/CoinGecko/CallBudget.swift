import Domain
import Synchronization

/// The calls-per-minute budget shared by every caller of one client.
///
/// A sliding window: a call may start only when fewer than `perMinute` calls started in
/// the 60 s before it, so no 60 s window ever holds more than `perMinute` calls (a plain
/// token bucket allows a burst of twice that across a refill). A caller reserves the
/// earliest free slot and sleeps until it; reservations are handed out in order, so
/// concurrent callers never overbook.
final class CallBudget: Sendable {
    private struct Window {
        /// Start times of the last `perMinute` calls (reserved or made), oldest first.
        var starts: [Timestamp] = []
    }

    let perMinute: Int
    private let clock: any WallClock
    private let window = Mutex(Window())
    private static let span = Milliseconds.minutes(1)

    init(perMinute: Int, clock: any WallClock) {
        self.perMinute = max(1, perMinute)
        self.clock = clock
    }

    /// Reserves a slot and returns how long to wait before using it, or nil (nothing
    /// reserved) when the wait would exceed `maxWait`.
    func reserve(maxWait: Milliseconds) -> Milliseconds? {
        let now = clock.now()
        return window.withLock { w in
            var slot = now
            if w.starts.count >= perMinute {
                let freedAt = w.starts[w.starts.count - perMinute] + Self.span
                if freedAt > slot { slot = freedAt }
            }
            let wait = slot - now
            guard wait <= maxWait else { return nil }
            w.starts.append(slot)
            if w.starts.count > perMinute { w.starts.removeFirst(w.starts.count - perMinute) }
            return wait
        }
    }

    /// Calls still available right now without waiting.
    var remaining: Int {
        let now = clock.now()
        return window.withLock { w in
            max(0, perMinute - w.starts.filter { $0 > now - Self.span }.count)
        }
    }
}
