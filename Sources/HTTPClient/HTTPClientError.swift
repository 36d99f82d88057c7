/// Why a request produced no response. HTTP error statuses are not errors here: a 429 or
/// a 500 is a response, and the caller decides what it means.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connect, total or low-speed timeout passed.
    case timeout(String)
    /// The host could not be resolved or refused the connection.
    case couldNotConnect(String)
    /// The response grew beyond the configured cap (bytes).
    case tooLarge(limit: Int)
    /// The connection closed before the announced body had arrived.
    case truncated(String)
    /// The request was refused before sending (bad URL, scheme, header).
    case invalidRequest(String)
    /// The caller's task was cancelled, or the client shut down.
    case cancelled
    /// Any other libcurl failure, with its `CURLcode` and message.
    case transport(code: Int, message: String)

    public var description: String {
        switch self {
        case .timeout(let m): return "timeout: \(m)"
        case .couldNotConnect(let m): return "could not connect: \(m)"
        case .tooLarge(let limit): return "response larger than \(limit) bytes"
        case .truncated(let m): return "truncated response: \(m)"
        case .invalidRequest(let m): return "invalid request: \(m)"
        case .cancelled: return "cancelled"
        case .transport(let code, let m): return "transport error \(code): \(m)"
        }
    }
}
