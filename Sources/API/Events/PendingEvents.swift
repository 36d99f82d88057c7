import Foundation

/// An event waiting for the bus's writer thread: its type, JSON payload and publish time.
struct PendingEvent: Sendable {
    var type: String
    var payload: [UInt8]
    var atMilliseconds: Int64
}

/// The hand-off between publishers and the bus's writer thread: publishers append without
/// waiting for the store; the writer takes everything queued at once.
final class PendingEvents: @unchecked Sendable {
    // Every field is only touched with `condition` locked.
    private let condition = NSCondition()
    private var items: [PendingEvent] = []
    private var inFlight = 0
    private var closed = false

    func push(_ item: PendingEvent) {
        condition.lock(); items.append(item); condition.broadcast(); condition.unlock()
    }

    /// Everything queued, waiting up to `timeout` for something; nil once closed and empty.
    /// The caller must call ``done(_:)`` after handling the batch.
    func takeAll(timeout: TimeInterval) -> [PendingEvent]? {
        condition.lock(); defer { condition.unlock() }
        if items.isEmpty && !closed { _ = condition.wait(until: Date(timeIntervalSinceNow: timeout)) }
        if items.isEmpty && closed { return nil }
        let batch = items
        items = []
        inFlight += batch.count
        return batch
    }

    func done(_ count: Int) {
        condition.lock(); inFlight -= count; condition.broadcast(); condition.unlock()
    }

    /// Waits until every pushed event was handled, or `timeout` passes; true when idle.
    @discardableResult
    func waitUntilIdle(timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock(); defer { condition.unlock() }
        while !(items.isEmpty && inFlight == 0) {
            if !condition.wait(until: deadline) { return items.isEmpty && inFlight == 0 }
        }
        return true
    }

    func reopen() { condition.lock(); closed = false; condition.unlock() }

    func close() { condition.lock(); closed = true; condition.broadcast(); condition.unlock() }
}
