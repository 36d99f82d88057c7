public import Domain

/// How a client waits between retries and for budget. Injected so tests assert the waits
/// (e.g. that `Retry-After: 7` slept 7 s) without sleeping for real.
public struct BackoffSleeper: Sendable {
    public let sleep: @Sendable (Milliseconds) async throws -> Void

    public init(_ sleep: @escaping @Sendable (Milliseconds) async throws -> Void) { self.sleep = sleep }

    /// Sleeps for real on the task's clock; throws `CancellationError` when cancelled.
    public static let real = BackoffSleeper { delay in
        try await Task.sleep(for: .milliseconds(delay.value))
    }
}
