import Dispatch
import Foundation

/// Runs independent pieces of tree training on several threads. Results never depend on the
/// thread count: every piece writes only its own slot and pieces are combined in index order.
enum ParallelWork {
    /// `requested` when positive, else the machine's active core count.
    static func threads(_ requested: Int) -> Int {
        requested > 0 ? requested : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// `body(i)` for every `i` in `0..<count`, spread over at most `threads` workers, collected
    /// in index order.
    static func map<T: Sendable>(count: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let workers = min(max(1, threads), count)
        if workers <= 1 { return (0..<count).map(body) }
        let slots = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < count {
                slots.store(body(i), at: i)
                i += workers
            }
        }
        return slots.collect()
    }

    /// `body(i)` for every `i` in `0..<count` on at most `threads` workers, for side effects on
    /// disjoint memory.
    static func forEach(count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        let workers = min(max(1, threads), count)
        if workers <= 1 { for i in 0..<count { body(i) }; return }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < count { body(i); i += workers }
        }
    }
}

/// Write-once result slots for `ParallelWork.map`.
///
/// `@unchecked Sendable`: each index is written by exactly one worker, and `collect()` reads
/// only after `concurrentPerform` has returned (its return is the barrier).
private final class Slots<T>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit { buffer.deinitialize(); buffer.deallocate() }

    func store(_ value: T, at i: Int) { buffer[i] = value }

    func collect() -> [T] { buffer.compactMap { $0 } }
}

/// A raw pointer handed to parallel workers that each touch a disjoint range of it.
///
/// `@unchecked Sendable`: callers guarantee disjoint writes and that the pointee outlives the
/// parallel section (it is created inside a `withUnsafeMutableBufferPointer` scope that encloses it).
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
