public import HTTPServer
public import Domain
import Synchronization

/// Responses whose only volatile part is the clock's time (an `as_of`, freshness ages), kept
/// for the millisecond they were rendered in.
///
/// Within one millisecond such a response is byte-for-byte what a new render would produce,
/// so a busy route renders at most once per millisecond per key. `version` (an ETag) names
/// what the response was rendered from: a different version is a miss.
public final class MillisecondResponseCache: Sendable {
    private struct Slot {
        var version: String
        var millisecond: Int64
        var response: HTTPResponse
    }

    private let slots = Mutex<[String: Slot]>([:])
    /// Keys kept at most; the cache is cleared when it would grow beyond.
    public let capacity: Int

    public init(capacity: Int = 1024) { self.capacity = capacity }

    /// The response rendered for `key` at `now` from `version`, or `render`'s, kept for the
    /// rest of this millisecond.
    public func response(key: String, version: String, now: Timestamp,
                         render: () throws -> HTTPResponse) rethrows -> HTTPResponse {
        let hit = slots.withLock { slots -> HTTPResponse? in
            guard let slot = slots[key], slot.millisecond == now.milliseconds, slot.version == version else { return nil }
            return slot.response
        }
        if let hit { return hit }
        let response = try render()
        slots.withLock { slots in
            if slots.count >= capacity && slots[key] == nil { slots.removeAll(keepingCapacity: true) }
            slots[key] = Slot(version: version, millisecond: now.milliseconds, response: response)
        }
        return response
    }
}
