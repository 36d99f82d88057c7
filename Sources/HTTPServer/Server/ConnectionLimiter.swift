import Synchronization

/// Global and per-client-IP connection caps, shared by all event loops. Touched only on
/// accept and close, so one lock is cheap enough.
final class ConnectionLimiter: Sendable {
    private struct Counts {
        var total = 0
        var perClient: [String: Int] = [:]
    }

    private let counts = Mutex(Counts())
    let maxTotal: Int
    let maxPerClient: Int

    init(maxTotal: Int, maxPerClient: Int) {
        self.maxTotal = maxTotal
        self.maxPerClient = maxPerClient
    }

    /// Reserves a slot for `client`; false when a cap is reached.
    func acquire(_ client: String) -> Bool {
        counts.withLock { c in
            guard c.total < maxTotal, c.perClient[client, default: 0] < maxPerClient else { return false }
            c.total += 1
            c.perClient[client, default: 0] += 1
            return true
        }
    }

    func release(_ client: String) {
        counts.withLock { c in
            c.total -= 1
            let left = c.perClient[client, default: 1] - 1
            c.perClient[client] = left > 0 ? left : nil
        }
    }

    var openConnections: Int { counts.withLock { $0.total } }
}
