import Logging

/// Told about every finished request (metrics). Called on event-loop threads: keep it cheap.
public protocol HTTPServerObserver: Sendable {
    func requestFinished(route: String, method: String, status: Int, seconds: Double)
}

/// What every event loop shares: immutable configuration plus thread-safe services.
struct ServerContext: Sendable {
    let configuration: ServerConfiguration
    let router: Router
    let logger: Logger
    let observer: (any HTTPServerObserver)?
    let limiter: ConnectionLimiter
    let pool: HandlerPool
    /// Without allowed origins, CORS adds nothing: skip even the `Origin` lookup per response.
    var corsEnabled: Bool { !configuration.cors.allowedOrigins.isEmpty }

    /// Runs a handler, turning thrown errors into problem responses. Errors that are not
    /// ``ProblemError`` are logged and answered with a bare 500.
    func invoke(_ route: Route, _ request: HTTPRequest) -> HTTPResponse {
        do {
            return try route.handler(request)
        } catch let problem as any ProblemError {
            return .problem(Problem(problem), instance: request.target, requestID: request.requestID)
        } catch {
            logger.error("handler failed", metadata: [
                "request_id": .string(request.requestID), "route": .string(route.pattern),
                "error": .string(String(describing: error)),
            ])
            return .problem(Problem.status(500, "The server failed to handle the request."),
                            instance: request.target, requestID: request.requestID)
        }
    }
}

extension HTTPRequest {
    init(head: RequestHead, rawPath: Substring, query: Substring, body: [UInt8], requestID: String,
         remoteAddress: String) {
        method = head.method
        target = head.target
        path = PercentDecoding.decode(rawPath.utf8, plusIsSpace: false)
        self.query = QueryParameters(query: query)
        headers = head.headers
        self.body = body
        pathParameters = [:]
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        routePattern = nil
    }
}
