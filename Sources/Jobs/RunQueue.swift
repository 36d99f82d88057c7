public import Domain
import Foundation
import Hashing

/// The API's and scheduler's door to the durable run queue: makes runs, stores them
/// through the ``RunStore`` (which honours idempotency keys and coalesces identical queued
/// runs), and wakes the workers.
public final class RunQueue: Sendable {
    public let store: any RunStore
    private let ids: ULIDGenerator
    private let clock: any WallClock
    private let wakeUp = NSConditionBox()

    public init(store: any RunStore, ids: ULIDGenerator, clock: any WallClock) {
        self.store = store; self.ids = ids; self.clock = clock
    }

    /// Enqueues a run of `pipeline` (for one asset, or all when nil).
    /// `requestBody` (the POST body) is hashed with the idempotency key to detect reuse.
    @discardableResult
    public func trigger(_ pipeline: PipelineKind, asset: AssetID?, trigger: RunTrigger, reason: String? = nil,
                        idempotencyKey: String? = nil, requestBody: [UInt8]? = nil) throws -> EnqueueResult {
        let run = Run(id: ids.next(), pipeline: pipeline, asset: asset, trigger: trigger,
                      requestedAt: clock.now(), reason: reason, idempotencyKey: idempotencyKey)
        let hash = idempotencyKey.map { _ in SHA256.hex(requestBody ?? []) }
        let result = try store.enqueue(run, requestHash: hash)
        if case .created = result.disposition { wakeUp.signalAll() }
        return result
    }

    /// Cancels a queued run; a running one is flagged and stops at its next checkpoint.
    public func cancel(id: ULID) throws -> Run? {
        let r = try store.cancel(id: id, at: clock.now())
        if let r, r.status == .running { cancelRequests.insert(id) }
        return r
    }

    let cancelRequests = CancelSet()

    /// Blocks the calling worker until a run may be waiting or `timeout` passes.
    func waitForWork(timeout: TimeInterval) { wakeUp.wait(timeout: timeout) }
    func wakeAll() { wakeUp.signalAll() }
}

/// A condition variable that remembers a signal given while nobody waited, so a worker
/// never sleeps through a run enqueued just before it started waiting.
final class NSConditionBox: @unchecked Sendable {
    // `pending` is only touched with `condition` locked.
    private let condition = NSCondition()
    private var pending = false

    func signalAll() {
        condition.lock(); pending = true; condition.broadcast(); condition.unlock()
    }

    func wait(timeout: TimeInterval) {
        condition.lock()
        if !pending { _ = condition.wait(until: Date(timeIntervalSinceNow: timeout)) }
        pending = false
        condition.unlock()
    }
}

/// Ids of running runs asked to stop.
final class CancelSet: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var ids = Set<ULID>()
    func insert(_ id: ULID) { lock.lock(); ids.insert(id); lock.unlock() }
    func contains(_ id: ULID) -> Bool { lock.lock(); defer { lock.unlock() }; return ids.contains(id) }
    func remove(_ id: ULID) { lock.lock(); ids.remove(id); lock.unlock() }
}
