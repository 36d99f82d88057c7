#if canImport(Glibc)
import Glibc
#endif
import HTTPServer
import Logging

/// Starts a real server on 127.0.0.1:0 for a test and stops it afterwards.
enum TestServer {
    static let quietLogger = Logger(label: "http-test") { _ in SwiftLogNoOpLogHandler() }

    static func with<T>(_ router: Router, configure: (inout ServerConfiguration) -> Void = { _ in },
                        _ body: (HTTPServer) throws -> T) throws -> T {
        var configuration = ServerConfiguration()
        configuration.eventLoops = 2
        configuration.handlerThreads = 4
        configure(&configuration)
        let server = HTTPServer(configuration: configuration, router: router, logger: quietLogger)
        try server.start()
        defer { server.shutdown() }
        return try body(server)
    }

    /// Raises the soft open-file limit toward the hard limit so tests can hold many sockets.
    static func raiseFileLimit(to wanted: UInt) {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < wanted {
            limit.rlim_cur = min(wanted, limit.rlim_max)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }

    static func sampleRouter() -> Router {
        var router = Router()
        router.get("/hello", options: .inline) { _ in .text("hello") }
        router.get("/echo/{word}") { request in .text(request.pathParameters["word"] ?? "?") }
        router.post("/upload", options: RouteOptions(bodyLimit: 64 * 1024)) { request in
            .text("got \(request.body.count)")
        }
        router.get("/id", options: .inline) { request in .text(request.requestID) }
        return router
    }
}
