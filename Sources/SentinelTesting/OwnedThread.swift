import Foundation

/// Runs blocking work on a thread of its own and awaits its result.
///
/// Pipelines block (on the store, and on async market sources through `blockingAwait`), so they
/// run on threads the program owns. Tests are async functions on Swift's cooperative pool, which
/// has as many threads as cores: blocking one there can starve the very task being waited for.
/// Tests call pipelines through this instead.
public func onOwnedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
