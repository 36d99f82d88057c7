import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs numbered tasks on a few threads, each worker claiming the next unclaimed task, and returns
/// when all are done.
///
/// Claiming (rather than a fixed split) keeps both cores busy when the tasks differ in cost or a
/// neighbour steals one core for a while. Tasks must write disjoint memory; what each computes
/// must not depend on which worker runs it (the feature kernels are pure in their row range).
enum ParallelWork {
    /// Threads worth using: the online processors, at most 8.
    static let availableWorkers: Int = {
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return max(1, min(8, Int(online)))
    }()

    private final class Claims: Sendable {
        let next = Atomic<Int>(0)
    }

    /// Calls `prepare(worker)` once per worker, then `body(task, &context)` for every task in
    /// 0..<tasks on some worker, then `finish(&context)`.
    static func run<Context>(tasks: Int, workers: Int, prepare: @Sendable (Int) -> Context,
                             body: @Sendable (Int, inout Context) -> Void, finish: @Sendable (inout Context) -> Void) {
        let threads = max(1, min(workers, tasks))
        if threads == 1 {
            var context = prepare(0)
            for task in 0..<tasks { body(task, &context) }
            finish(&context)
            return
        }
        let claims = Claims()
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            var context = prepare(worker)
            while true {
                let task = claims.next.wrappingAdd(1, ordering: .relaxed).oldValue
                if task >= tasks { break }
                body(task, &context)
            }
            finish(&context)
        }
    }
}
