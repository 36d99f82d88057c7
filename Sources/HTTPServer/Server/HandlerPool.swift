import Dispatch
import Synchronization

/// A fixed set of owned threads that run `.offload` handlers, fed from one FIFO queue.
final class HandlerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct Queue {
        var jobs: [Job] = []
        var head = 0
        var stopping = false
    }

    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    private let threads: [OwnedThread]

    init(threads count: Int) {
        threads = (0..<count).map { _ in OwnedThread() }
    }

    func start() throws(SystemError) {
        for (i, thread) in threads.enumerated() {
            try thread.start(name: "http-handler-\(i)") { [self] in self.work() }
        }
    }

    func submit(_ job: @escaping Job) {
        queue.withLock { $0.jobs.append(job) }
        available.signal()
    }

    /// Runs what is queued, then stops and joins every thread.
    func stop() {
        queue.withLock { $0.stopping = true }
        for _ in threads { available.signal() }
        for thread in threads { thread.join() }
    }

    private func work() {
        while true {
            available.wait()
            let job: Job? = queue.withLock { q in
                guard q.head < q.jobs.count else { return nil }
                let job = q.jobs[q.head]
                q.head += 1
                if q.head > 64 && q.head * 2 > q.jobs.count {
                    q.jobs.removeFirst(q.head)
                    q.head = 0
                }
                return job
            }
            if let job { job(); continue }
            if queue.withLock({ $0.stopping }) { return }
        }
    }
}
