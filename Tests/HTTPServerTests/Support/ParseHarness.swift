@testable import HTTPServer

/// Drives the head and body parsers the way a connection does: the unconsumed bytes are
/// passed again, with whatever arrived since, on every delivery.
struct ParseHarness {
    struct Parsed: Equatable {
        var method: String
        var target: String
        var minor: Int
        var headers: [String]
        var body: [UInt8]
        var keepAlive: Bool
    }

    enum Outcome: Equatable {
        case requests([Parsed], leftover: Int)
        case rejected(status: Int, after: [Parsed])
    }

    static func run(_ chunks: [[UInt8]], bodyLimit: Int = 1 << 20, limits: ParserLimits = ParserLimits()) -> Outcome {
        var buffer: [UInt8] = []
        var start = 0
        var head = RequestHeadParser(limits: limits)
        var body: RequestBodyParser?
        var pendingHead: RequestHead?
        var parsed: [Parsed] = []
        for chunk in chunks {
            buffer += chunk
            do {
                while start < buffer.count {
                    if var b = body, let h = pendingHead {
                        let used = try buffer.withUnsafeBufferPointer { try b.parse(UnsafeBufferPointer(rebasing: $0[start...])) }
                        start += used
                        body = b
                        guard b.isComplete else { break }
                        parsed.append(Parsed(method: h.method.rawValue, target: h.target, minor: h.minorVersion,
                                             headers: h.headers.map { "\($0.name): \($0.value)" }, body: b.body,
                                             keepAlive: h.keepAlive))
                        body = nil
                        pendingHead = nil
                        continue
                    }
                    let result = try buffer.withUnsafeBufferPointer { try head.parse(UnsafeBufferPointer(rebasing: $0[start...])) }
                    guard let (h, used) = result else { break }
                    start += used
                    head.reset()
                    if case .length(let n) = h.framing, n > bodyLimit { throw HTTPParseError(413, "too large") }
                    pendingHead = h
                    body = RequestBodyParser(framing: h.framing, limit: bodyLimit, limits: limits)
                }
                if let b = body, b.isComplete, let h = pendingHead {
                    parsed.append(Parsed(method: h.method.rawValue, target: h.target, minor: h.minorVersion,
                                         headers: h.headers.map { "\($0.name): \($0.value)" }, body: b.body,
                                         keepAlive: h.keepAlive))
                    body = nil
                    pendingHead = nil
                }
            } catch let error as HTTPParseError {
                return .rejected(status: error.status, after: parsed)
            } catch {
                return .rejected(status: -1, after: parsed)
            }
        }
        return .requests(parsed, leftover: buffer.count - start)
    }

    static func run(_ text: String, bodyLimit: Int = 1 << 20, limits: ParserLimits = ParserLimits()) -> Outcome {
        run([Array(text.utf8)], bodyLimit: bodyLimit, limits: limits)
    }

    /// Status of the rejection, or nil if the input parsed.
    static func rejection(_ text: String, bodyLimit: Int = 1 << 20) -> Int? {
        if case .rejected(let status, _) = run(text, bodyLimit: bodyLimit) { return status }
        return nil
    }
}
