public import HTTPServer
import Hashing

/// The API keys this server accepts, kept only as SHA-256 digests.
///
/// Writes (every POST) need a write key once any key is configured; a read-only key gets
/// 403. Tokens are compared digest to digest in constant time, against every stored key
/// without stopping early, so timing reveals neither which key matched nor where a guess
/// went wrong (hardening.md §4, RFC 6750 §3).
public struct APIKeyring: Sendable {
    private let writeDigests: [[UInt8]]
    private let readDigests: [[UInt8]]

    public init(writeKeys: [String], readKeys: [String]) {
        writeDigests = writeKeys.filter { !$0.isEmpty }.map { SHA256.digest(Array($0.utf8)) }
        readDigests = readKeys.filter { !$0.isEmpty }.map { SHA256.digest(Array($0.utf8)) }
    }

    /// True when no key is configured: every write is allowed (loopback-only by policy).
    public var isOpen: Bool { writeDigests.isEmpty && readDigests.isEmpty }

    public enum Scope: Sendable, Equatable { case write, read }

    /// The scope the request's bearer token grants, nil when it has none or a wrong one.
    public func scope(of request: HTTPRequest) -> Scope? {
        guard let header = request.headers["Authorization"] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let digest = SHA256.digest(Array(parts[1].utf8))
        var write = false, read = false
        for d in writeDigests where ConstantTime.equals(d, digest) { write = true }
        for d in readDigests where ConstantTime.equals(d, digest) { read = true }
        return write ? .write : (read ? .read : nil)
    }

    /// Answers nil when the request may write, else the 401 or 403 response to send.
    public func rejectWrite(_ request: HTTPRequest) -> HTTPResponse? {
        if isOpen { return nil }
        switch scope(of: request) {
        case .write: return nil
        case .read:
            return APIProblem.forbidden.response(request,
                headers: [("WWW-Authenticate", "Bearer error=\"insufficient_scope\"")])
        case nil:
            let hasToken = request.headers["Authorization"] != nil
            return APIProblem.unauthorized.response(request,
                headers: [("WWW-Authenticate", hasToken ? "Bearer error=\"invalid_token\"" : "Bearer realm=\"sentinel\"")])
        }
    }
}

extension APIProblem {
    /// The problem as a response with extra headers (WWW-Authenticate, Retry-After).
    func response(_ request: HTTPRequest, headers extra: [(String, String)] = []) -> HTTPResponse {
        var r = HTTPResponse.problem(Problem(self), instance: request.target, requestID: request.requestID)
        for (n, v) in extra { r.headers.set(n, v) }
        return r
    }
}
