#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A request waiting for a worker, with the callback that hands its result back.
struct TransferJob: Sendable {
    let request: HTTPRequest
    let cancellation: CancellationFlag
    let deliver: @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void
}

/// A FIFO of jobs that worker threads block on (pthread mutex + condition variable, since
/// the workers are plain threads, not tasks).
///
/// `@unchecked Sendable`: `jobs` and `closed` are only touched with `mutex` held.
final class TransferQueue: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [TransferJob] = []
    private var head = 0
    private var closed = false

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    /// Enqueues a job; false when the queue is closed.
    func put(_ job: TransferJob) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard !closed else { return false }
        jobs.append(job)
        pthread_cond_signal(condition)
        return true
    }

    /// Blocks until a job is available; nil once the queue is closed and drained.
    func take() -> TransferJob? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while head == jobs.count && !closed { pthread_cond_wait(condition, mutex) }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count { jobs.removeAll(keepingCapacity: true); head = 0 }
        return job
    }

    /// Stops accepting jobs and wakes every worker; queued jobs are still served.
    func close() {
        pthread_mutex_lock(mutex)
        closed = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }
}

/// Starts a detached POSIX thread running `body`: the client's workers must not run on
/// Swift's cooperative pool, because `curl_easy_perform` blocks.
func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
    final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Glibc)
    var thread: pthread_t = 0
    #else
    var thread: pthread_t? = nil
    #endif
    let rc = pthread_create(&thread, nil, { raw in
        guard let raw else { return nil }
        let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
        box.body()
        return nil
    }, context)
    guard rc == 0 else { Unmanaged<Box>.fromOpaque(context).release(); return false }
    #if canImport(Glibc)
    pthread_detach(thread)
    #else
    if let thread { pthread_detach(thread) }
    #endif
    return true
}
