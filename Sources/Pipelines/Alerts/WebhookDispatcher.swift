public import Domain
import Foundation
public import Logging

/// How webhook deliveries are retried and bounded.
public struct WebhookDeliveryPolicy: Sendable, Hashable {
    /// Attempts per alert and endpoint, the first included.
    public var attempts: Int
    /// The wait before the second attempt; doubled before each further one, capped at `maxBackoff`.
    public var initialBackoff: Milliseconds
    public var maxBackoff: Milliseconds
    /// The time one attempt may take (connect and transfer).
    public var timeout: Milliseconds
    /// Alerts waiting for delivery; when full, a new alert is dropped with a logged delivery error.
    public var queueCapacity: Int

    public init(attempts: Int = 4, initialBackoff: Milliseconds = .seconds(1), maxBackoff: Milliseconds = .seconds(30),
                timeout: Milliseconds = .seconds(5), queueCapacity: Int = 256) {
        self.attempts = max(1, attempts); self.initialBackoff = initialBackoff; self.maxBackoff = maxBackoff
        self.timeout = timeout; self.queueCapacity = max(1, queueCapacity)
    }

    /// The wait after failed attempt `attempt` (1-based).
    public func backoff(after attempt: Int) -> Milliseconds {
        let factor = Int64(1) << Int64(min(max(0, attempt - 1), 30))
        let (wait, overflow) = initialBackoff.value.multipliedReportingOverflow(by: factor)
        return Milliseconds(overflow ? maxBackoff.value : min(wait, maxBackoff.value))
    }

    /// Whether a response status is worth another attempt (timeouts, rate limits, server errors).
    public static func isRetryable(status: Int) -> Bool { status == 408 || status == 429 || status >= 500 }
}

/// Delivers newly raised alerts to the configured webhooks on one thread of its own, so the
/// alerts pipeline never waits on a receiver: ``enqueue(_:)`` only appends to a bounded
/// queue. Each attempt is logged and stored in the ``WebhookDeliveryStore`` with its status
/// or error; failures are retried with exponential backoff (``WebhookDeliveryPolicy``).
/// One alert takes at most `attempts × (timeout + maxBackoff)` per endpoint.
public final class WebhookDispatcher: @unchecked Sendable {
    public let endpoints: [WebhookEndpoint]
    private let secret: [UInt8]?
    private let transport: any WebhookTransport
    private let deliveries: any WebhookDeliveryStore
    private let clock: any WallClock
    private let ids: ULIDGenerator
    public let policy: WebhookDeliveryPolicy
    private let logger: Logger

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Alert] = []
    private var busy = false
    private var stopped = false
    private var started = false

    /// `clock` stamps the delivery log and the signature timestamp: pass the real wall clock,
    /// since receivers judge a signature's age by their own.
    public init(endpoints: [WebhookEndpoint], secret: [UInt8]?, transport: any WebhookTransport,
                deliveries: any WebhookDeliveryStore, clock: any WallClock, ids: ULIDGenerator,
                policy: WebhookDeliveryPolicy = WebhookDeliveryPolicy(), logger: Logger) {
        self.endpoints = endpoints; self.secret = secret; self.transport = transport; self.deliveries = deliveries
        self.clock = clock; self.ids = ids; self.policy = policy; self.logger = logger
    }

    /// Queues the alert for every endpoint; returns false (and logs a failed delivery) when
    /// the queue is full or the dispatcher stopped. Never blocks on the network.
    @discardableResult
    public func enqueue(_ alert: Alert) -> Bool {
        guard !endpoints.isEmpty else { return true }
        condition.lock()
        let accepted = !stopped && queue.count < policy.queueCapacity
        if accepted {
            queue.append(alert)
            if !started { started = true; startThread() }
            condition.broadcast()
        }
        condition.unlock()
        if !accepted {
            for e in endpoints { record(alert, endpoint: e, attempt: 0, status: nil, error: "dropped: delivery queue full or stopped") }
        }
        return accepted
    }

    /// Waits until every queued alert has been delivered or given up on; false on timeout.
    public func waitUntilIdle(timeout: Milliseconds) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        while !queue.isEmpty || busy {
            if !condition.wait(until: deadline) { return queue.isEmpty && !busy }
        }
        return true
    }

    /// Stops the thread after the attempt in progress; queued alerts are not delivered.
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func startThread() {
        let thread = Thread { [self] in loop() }
        thread.name = "sentinel-webhooks"
        thread.start()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if stopped { queue.removeAll(); condition.broadcast(); condition.unlock(); return }
            let alert = queue.removeFirst()
            busy = true
            condition.unlock()

            for endpoint in endpoints { deliver(alert, to: endpoint) }

            condition.lock()
            busy = false
            condition.broadcast()
            condition.unlock()
        }
    }

    private func deliver(_ alert: Alert, to endpoint: WebhookEndpoint) {
        for attempt in 1...policy.attempts {
            let message = WebhookMessage(alert: alert, format: endpoint.format, secret: secret, timestamp: clock.now())
            var status: Int?
            var failure: String?
            do {
                status = try transport.post(url: endpoint.url, headers: message.headers, body: message.body, timeout: policy.timeout)
            } catch {
                failure = error.description
            }
            record(alert, endpoint: endpoint, attempt: attempt, status: status, error: failure)
            if let status, !WebhookDeliveryPolicy.isRetryable(status: status) { return }
            guard attempt < policy.attempts else { return }
            if !pause(policy.backoff(after: attempt)) { return }
        }
    }

    /// Sleeps unless stopped; false when stopped.
    private func pause(_ wait: Milliseconds) -> Bool {
        let deadline = Date(timeIntervalSinceNow: wait.seconds)
        condition.lock()
        defer { condition.unlock() }
        while !stopped { if !condition.wait(until: deadline) { break } }
        return !stopped
    }

    private func record(_ alert: Alert, endpoint: WebhookEndpoint, attempt: Int, status: Int?, error: String?) {
        let ok = status.map { (200..<300).contains($0) } ?? false
        var metadata: Logger.Metadata = ["alert": "\(alert.id)", "url": "\(Self.redacted(endpoint.url))", "attempt": "\(attempt)",
                                         "status": "\(status.map(String.init) ?? "none")"]
        if let error { metadata["error"] = "\(error)" }
        if ok { logger.info("webhook delivered", metadata: metadata) } else { logger.warning("webhook attempt failed", metadata: metadata) }
        do {
            try deliveries.append(WebhookDelivery(id: ids.next(), alertID: alert.id, url: endpoint.url, attempt: attempt,
                                                  status: status, error: error, at: clock.now()))
        } catch {
            logger.error("webhook delivery not stored", metadata: ["alert": "\(alert.id)", "error": "\(error)"])
        }
    }

    /// Scheme, host and port only: webhook paths often carry their own secret token.
    static func redacted(_ url: String) -> String {
        guard let c = URLComponents(string: url), let host = c.host else { return "(invalid url)" }
        return "\(c.scheme ?? "?")://\(host)\(c.port.map { ":\($0)" } ?? "")/…"
    }
}
