public import Domain
public import HTTPServer
public import Logging
import Foundation
import Synchronization

/// Settings of the ``EventBus``.
public struct EventBusConfiguration: Sendable {
    /// Seconds between `: keep-alive` comments to every subscriber.
    public var heartbeatInterval: Double
    /// Events older than this are pruned from the log.
    public var retention: Milliseconds
    /// Real seconds between prunes.
    public var pruneInterval: Double
    /// Unsent bytes a subscriber may have queued before it is dropped.
    public var subscriberBufferLimit: Int
    /// Most replayed bytes written on one connection; beyond it the stream ends after a whole
    /// event and the client reconnects with the newer `Last-Event-ID` for the rest.
    public var replayByteBudget: Int
    /// Live events held back for one subscriber while its replay runs.
    public var heldBackLimit: Int

    public init(heartbeatInterval: Double = 15, retention: Milliseconds = .days(7), pruneInterval: Double = 3600,
                subscriberBufferLimit: Int = 4 << 20, replayByteBudget: Int = 2 << 20, heldBackLimit: Int = 10_000) {
        self.heartbeatInterval = heartbeatInterval; self.retention = retention; self.pruneInterval = pruneInterval
        self.subscriberBufferLimit = subscriberBufferLimit; self.replayByteBudget = replayByteBudget
        self.heldBackLimit = heldBackLimit
    }
}

/// The event bus behind `GET /v1/events`: every published ``DomainEvent`` gets a ULID, is
/// appended to the store's ``EventLog`` (so a reconnecting client resumes with
/// `Last-Event-ID`) and is written to every matching subscriber's stream.
///
/// Invariants: event ids increase in append order, also across restarts (a new id is made
/// greater than the newest stored one); publishing never waits for a subscriber (stream
/// writes only queue bytes, and a subscriber whose queue is full is dropped), and once
/// started never waits for the store either (one writer thread appends); one thread
/// serves heartbeats and retention for all subscribers.
public final class EventBus: EventPublisher, Sendable {
    private let log: any EventLog
    private let ids: ULIDGenerator
    private let clock: any WallClock
    private let logger: Logger
    public let configuration: EventBusConfiguration
    /// Serialises id assignment, the append and the fan-out, so every subscriber sees
    /// events in id order and the log's order equals id order.
    private let publishing: Mutex<ULID?>
    private let subscribers = Mutex<[ObjectIdentifier: EventSubscriber]>([:])
    private let maintenance = Mutex<MaintenanceState>(MaintenanceState())
    private let published = Atomic<Int>(0)
    private let asynchronous = Atomic<Bool>(false)
    private let pending = PendingEvents()
    private let listeners = Mutex<[@Sendable (DomainEvent) -> Void]>([])

    private struct MaintenanceState { var stop = false }

    public init(log: any EventLog, ids: ULIDGenerator, clock: any WallClock,
                configuration: EventBusConfiguration = EventBusConfiguration(), logger: Logger) {
        self.log = log; self.ids = ids; self.clock = clock; self.configuration = configuration; self.logger = logger
        publishing = Mutex(Self.newestID(in: log))
    }

    // MARK: publishing

    /// Stores and fans out `event`. Before ``start()`` (one-shot commands, simulations) this
    /// happens on the caller's thread, so the event is in the log when it returns; once
    /// started, the bus's writer thread does it and the caller never waits for the store.
    public func publish(_ event: DomainEvent) {
        for listener in listeners.withLock({ $0 }) { listener(event) }
        let item = PendingEvent(type: event.name, payload: EventPayload.json(event), atMilliseconds: clock.now().milliseconds)
        if asynchronous.load(ordering: .acquiring) {
            pending.push(item)
        } else {
            deliver([item])
        }
    }

    /// Calls `listener` with every event as it is published, on the publisher's thread
    /// (in-process caches invalidate this way); it must be quick and must not publish.
    public func addListener(_ listener: @escaping @Sendable (DomainEvent) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    /// Waits until every event published so far is stored and fanned out (true), or `timeout` passes.
    @discardableResult
    public func flush(timeout: Double = 10) -> Bool { pending.waitUntilIdle(timeout: timeout) }

    /// Assigns ids, appends to the log and fans out, in one critical section per batch.
    private func deliver(_ items: [PendingEvent]) {
        let dropped = publishing.withLock { last -> [EventSubscriber] in
            var dropped: [EventSubscriber] = []
            for item in items {
                var id = ids.next()
                if let previous = last, id <= previous { id = previous.successor }
                last = id
                do {
                    try log.append(StoredEvent(id: id, type: item.type, payload: item.payload,
                                               at: Timestamp(milliseconds: item.atMilliseconds)))
                } catch {
                    logger.error("storing an event failed", metadata: ["event": "\(item.type)", "error": "\(error)"])
                }
                published.wrappingAdd(1, ordering: .relaxed)
                let frame = Self.frame(id: id, type: item.type, payload: item.payload)
                // Read after the append: a subscriber added later replays this event from the log.
                let current = subscribers.withLock { Array($0.values) }
                for s in current where s.accepts(item.type) && !s.isClosed {
                    if !s.deliver(id: id, frame: frame) { dropped.append(s) }
                }
            }
            return dropped
        }
        for s in dropped { remove(s, reason: "slow or gone") }
    }

    /// Events published by this bus since it was made.
    public var publishedCount: Int { published.load(ordering: .relaxed) }

    // MARK: subscribing

    /// Adds a subscriber writing to `stream`. With `lastEventID`, the events after it are
    /// first replayed from the log, then live ones follow with no gap and no duplicate.
    /// Returns nil when the stream ended during the replay (the client reconnects for more).
    @discardableResult
    public func subscribe(_ stream: ResponseStream, types: Set<String>?, lastEventID: ULID?) -> EventSubscriber? {
        let subscriber = EventSubscriber(stream: stream, types: types, replaying: lastEventID != nil,
                                         heldBackLimit: configuration.heldBackLimit)
        subscribers.withLock { $0[ObjectIdentifier(subscriber)] = subscriber }
        stream.onClose { [weak self, weak subscriber] in
            if let self, let subscriber { self.remove(subscriber, reason: nil) }
        }
        guard let lastEventID else { return subscriber }

        var cursor: ULID? = lastEventID
        var written = 0
        var complete = false
        replay: while true {
            let page: [StoredEvent]
            do {
                page = try log.events(after: cursor, limit: 500)
            } catch {
                logger.error("replaying events failed", metadata: ["error": "\(error)"])
                break replay
            }
            for e in page {
                cursor = e.id
                guard subscriber.accepts(e.type) else { continue }
                let frame = Self.frame(id: e.id, type: e.type, payload: e.payload)
                if !subscriber.replay(frame) { break replay }
                written += frame.count
                if written >= configuration.replayByteBudget { break replay }
            }
            if page.count < 500 { complete = true; break replay }
        }
        if !complete {
            // Out of budget (or the client left): end after whole events; the client's
            // EventSource reconnects with the last id it got and resumes from there.
            remove(subscriber, reason: nil)
            stream.close()
            return nil
        }
        if !subscriber.finishReplay(after: cursor) {
            remove(subscriber, reason: "slow during replay")
            return nil
        }
        return subscriber
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    private func remove(_ s: EventSubscriber, reason: String?) {
        let removed = subscribers.withLock { $0.removeValue(forKey: ObjectIdentifier(s)) != nil }
        guard removed else { return }
        if let reason {
            logger.info("event subscriber dropped", metadata: ["reason": "\(reason)"])
            s.stream.close()
        }
    }

    // MARK: maintenance

    /// Writes one heartbeat comment to every subscriber and drops those that are gone.
    public func heartbeat() {
        let beat = Array(": keep-alive\n\n".utf8)
        for s in subscribers.withLock({ Array($0.values) }) where !s.comment(beat) {
            remove(s, reason: "gone")
        }
    }

    /// Deletes events older than the retention; returns how many.
    @discardableResult
    public func prune() -> Int {
        do {
            return try log.pruneEvents(before: clock.now() - configuration.retention)
        } catch {
            logger.warning("pruning events failed", metadata: ["error": "\(error)"])
            return 0
        }
    }

    /// Starts the bus's two threads: the writer, which stores and fans out published events
    /// so publishers never wait for the store, and the one that sends heartbeats to every
    /// subscriber and prunes the log.
    public func start() {
        pending.reopen()
        guard !asynchronous.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let writer = Thread { [self] in
            while let batch = pending.takeAll(timeout: 0.5) {
                if !batch.isEmpty { deliver(batch) }
                pending.done(batch.count)
            }
        }
        writer.name = "sentinel-events-writer"
        writer.start()
        let thread = Thread { [self] in
            var sinceBeat = 0.0, sincePrune = 0.0
            let step = min(0.25, configuration.heartbeatInterval)
            prune()
            while !maintenance.withLock({ $0.stop }) {
                Thread.sleep(forTimeInterval: step)
                sinceBeat += step; sincePrune += step
                if sinceBeat >= configuration.heartbeatInterval { sinceBeat = 0; heartbeat() }
                if sincePrune >= configuration.pruneInterval { sincePrune = 0; prune() }
            }
        }
        thread.name = "sentinel-events"
        maintenance.withLock { $0.stop = false }
        thread.start()
    }

    /// Stops the maintenance thread and ends every subscriber's stream.
    public func stop() {
        pending.waitUntilIdle(timeout: 5)
        asynchronous.store(false, ordering: .releasing)
        pending.close()
        maintenance.withLock { $0.stop = true }
        let all = subscribers.withLock { Array($0.values) }
        for s in all { remove(s, reason: nil); s.stream.close() }
    }

    // MARK: encoding

    static func frame(id: ULID, type: String, payload: [UInt8]) -> [UInt8] {
        var f: [UInt8] = []
        f.reserveCapacity(payload.count + type.utf8.count + 48)
        f.append(contentsOf: "id: ".utf8); f.append(contentsOf: id.string.utf8)
        f.append(contentsOf: "\nevent: ".utf8); f.append(contentsOf: type.utf8)
        f.append(contentsOf: "\ndata: ".utf8); f.append(contentsOf: payload)
        f.append(contentsOf: "\n\n".utf8)
        return f
    }

    private static func newestID(in log: any EventLog) -> ULID? {
        var cursor: ULID?
        while let page = try? log.events(after: cursor, limit: 5000), let last = page.last {
            cursor = last.id
            if page.count < 5000 { break }
        }
        return cursor
    }
}

extension ULID {
    /// The next ULID in sort order (used when the clock stands behind the newest stored id).
    var successor: ULID {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
        var chars = Array(string.utf8)
        var i = chars.count - 1
        while i >= 0 {
            guard let digit = alphabet.firstIndex(of: chars[i]) else { break }
            if digit < 31 { chars[i] = alphabet[digit + 1]; break }
            chars[i] = alphabet[0]
            i -= 1
        }
        return ULID(String(decoding: chars, as: UTF8.self)) ?? self
    }
}
