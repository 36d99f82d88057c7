public import HTTPServer
public import Domain
import Synchronization

/// A JSON document that never changes except for one timestamp slot filled with the clock's
/// current time (like `GET /v1`'s `clock.now`), encoded once instead of per request.
///
/// The ETag covers everything but the timestamp, so it is computed once and `If-None-Match`
/// polling works; the volatile value is excluded as `markStable()` excludes `as_of` elsewhere.
/// The rendered response is reused while the clock stays within the same millisecond, so a
/// busy server formats the timestamp at most once per millisecond.
public final class TimestampedDocument: Sendable {
    private struct Rendered {
        var millisecond: Int64
        var response: HTTPResponse
    }

    private let prefix: [UInt8]
    private let suffix: [UInt8]
    private let clock: any WallClock
    private let notModified: HTTPResponse
    private let headers: HTTPHeaders
    private let latest = Mutex<Rendered?>(nil)
    /// The document's strong validator (constant for the life of the process).
    public let etag: String

    /// `write` writes the document and calls its argument exactly once, at the point where
    /// the timestamp value belongs (right after the key, e.g. after `w.key("now")`).
    public init(clock: any WallClock, cacheControl: String = "no-cache",
                write: (inout JSONWriter, _ timestampSlot: (inout JSONWriter) -> Void) -> Void) {
        var w = JSONWriter(capacity: 1024)
        var cut = -1, resume = -1
        write(&w) { w in
            cut = w.bytes.count
            // A placeholder value keeps the writer's comma bookkeeping right for what follows.
            w.value(Timestamp(milliseconds: 0))
            resume = w.bytes.count
        }
        precondition(cut >= 0, "TimestampedDocument: write never called the timestamp slot")
        prefix = Array(w.bytes[..<cut])
        suffix = Array(w.bytes[resume...])
        self.clock = clock
        etag = ConditionalGET.etag((prefix + suffix)[...])
        notModified = HTTPResponse(status: 304, headers: ["ETag": etag, "Cache-Control": cacheControl], body: .bytes([]))
        headers = ["ETag": etag, "Cache-Control": cacheControl, "Content-Type": "application/json"]
    }

    /// 304 when the client holds the current ETag, else the document with the time now.
    public func respond(_ request: HTTPRequest) -> HTTPResponse {
        if let inm = request.headers["If-None-Match"], ConditionalGET.matches(inm, etag) { return notModified }
        let now = clock.now()
        if let hit = latest.withLock({ r in r?.millisecond == now.milliseconds ? r?.response : nil }) { return hit }
        var body: [UInt8] = []
        body.reserveCapacity(prefix.count + suffix.count + 32)
        body.append(contentsOf: prefix)
        body.append(34)
        now.appendRFC3339(to: &body)
        body.append(34)
        body.append(contentsOf: suffix)
        let response = HTTPResponse(status: 200, headers: headers, body: .bytes(body))
        latest.withLock { $0 = Rendered(millisecond: now.milliseconds, response: response) }
        return response
    }
}
