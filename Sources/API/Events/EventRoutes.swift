public import HTTPServer
import Domain

/// `GET /v1/events`: the live event stream (Server-Sent Events).
///
/// `Last-Event-ID` (header, or `?last_event_id=` for clients that cannot set headers)
/// replays what the client missed from the event log before live events; `?types=` keeps
/// only the listed event types.
public struct EventRoutes: Sendable {
    public var bus: EventBus

    public init(bus: EventBus) { self.bus = bus }

    public func register(on router: inout Router) {
        let r = self
        router.get("/v1/events") { req in try r.events(req) }
    }

    func events(_ request: HTTPRequest) throws -> HTTPResponse {
        let types = try Self.types(request)
        let lastEventID = try Self.lastEventID(request)
        let stream = ResponseStream(bufferLimit: bus.configuration.subscriberBufferLimit)
        // HEAD gets the head only; the server never attaches the stream, so nobody may subscribe it.
        if request.method == .head { return .eventStream(stream) }
        // The reconnect delay an EventSource uses after the stream ends.
        stream.write("retry: 3000\n\n")
        bus.subscribe(stream, types: types, lastEventID: lastEventID)
        var response = HTTPResponse.eventStream(stream)
        response.headers.set("X-Accel-Buffering", "no")
        return response
    }

    static func types(_ request: HTTPRequest) throws -> Set<String>? {
        guard let raw = request.query["types"] else { return nil }
        let names = raw.split(separator: ",").map { String($0.filter { $0 != " " }) }
        guard !names.isEmpty, names.allSatisfy({ DomainEvent.allNames.contains($0) }) else {
            throw ParameterError(name: "types", reason: "must be a comma-separated list of \(DomainEvent.allNames.joined(separator: ", "))")
        }
        return Set(names)
    }

    static func lastEventID(_ request: HTTPRequest) throws -> ULID? {
        if let header = request.headers["Last-Event-ID"], !header.isEmpty {
            guard let id = ULID(header) else {
                throw ParameterError(name: "Last-Event-ID", reason: "is not an event id (a 26-character ULID)", location: "header")
            }
            return id
        }
        guard let raw = request.query["last_event_id"] else { return nil }
        guard let id = ULID(raw) else {
            throw ParameterError(name: "last_event_id", reason: "is not an event id (a 26-character ULID)")
        }
        return id
    }
}
