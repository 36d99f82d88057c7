/// Why the server could not start.
public enum ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case addressInUse(host: String, port: Int)
    case permissionDenied(host: String, port: Int)
    case invalidAddress(String)
    case invalidConfiguration(String)
    case alreadyStarted
    case system(SystemError)

    public var description: String {
        switch self {
        case .addressInUse(let host, let port): "address \(host):\(port) is already in use"
        case .permissionDenied(let host, let port): "permission denied binding \(host):\(port)"
        case .invalidAddress(let host): "cannot listen on '\(host)': not a local IP address"
        case .invalidConfiguration(let why): "invalid server configuration: \(why)"
        case .alreadyStarted: "the server was already started"
        case .system(let error): error.description
        }
    }
}
