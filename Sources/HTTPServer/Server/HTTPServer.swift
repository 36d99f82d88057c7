#if canImport(Glibc)
import Glibc
#endif
public import Logging
import Synchronization

/// Sentinel's HTTP/1.1 server: POSIX sockets and epoll on threads it owns.
///
/// `eventLoops` threads each own an epoll set and a SO_REUSEPORT listener; `.offload`
/// handlers run on `handlerThreads` further threads and hand responses back through the
/// loop's eventfd. Responses on a connection are always written in request order.
///
/// ```swift
/// var router = Router()
/// router.get("/healthz", options: .inline) { _ in .text("ok") }
/// let server = HTTPServer(configuration: .init(port: 8080), router: router, logger: logger)
/// try server.start()
/// // … on SIGTERM:
/// server.shutdown()
/// ```
public final class HTTPServer: Sendable {
    private enum State {
        case idle
        case running(loops: [EventLoop], pool: HandlerPool, port: Int)
        case stopped
    }

    public let configuration: ServerConfiguration
    private let router: Router
    private let logger: Logger
    private let observer: (any HTTPServerObserver)?
    private let state = Mutex(State.idle)
    private let drainingFlag = Atomic<Bool>(false)
    private let joined = Mutex(false)

    public init(configuration: ServerConfiguration, router: Router, logger: Logger,
                observer: (any HTTPServerObserver)? = nil) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.observer = observer
    }

    /// Binds and starts every thread. Throws ``ServerError`` (address in use, bad address,
    /// invalid configuration) without leaving anything running.
    public func start() throws(ServerError) {
        try configuration.validate()
        signal(SIGPIPE, SIG_IGN)
        let alreadyStarted = state.withLock { s -> Bool in
            if case .idle = s { return false }
            return true
        }
        guard !alreadyStarted else { throw .alreadyStarted }

        var listeners: [Int32] = []
        do throws(ServerError) {
            try Socket.checkPortIsFree(host: configuration.host, port: configuration.port)
            let first = try Socket.listen(host: configuration.host, port: configuration.port,
                                          backlog: configuration.backlog)
            listeners.append(first)
            let port = Socket.boundPort(first)
            for _ in 1..<configuration.eventLoops {
                listeners.append(try Socket.listen(host: configuration.host, port: port, backlog: configuration.backlog))
            }
            let pool = HandlerPool(threads: configuration.handlerThreads)
            let context = ServerContext(configuration: configuration, router: router, logger: logger,
                                        observer: observer,
                                        limiter: ConnectionLimiter(maxTotal: configuration.maxConnections,
                                                                   maxPerClient: configuration.maxConnectionsPerClient),
                                        pool: pool)
            var loops: [EventLoop] = []
            do {
                for (i, fd) in listeners.enumerated() {
                    loops.append(try EventLoop(index: i, listener: fd, context: context))
                }
                try pool.start()
                for loop in loops { try loop.start() }
            } catch {
                throw ServerError.system(error)
            }
            state.withLock { $0 = .running(loops: loops, pool: pool, port: port) }
            logger.info("http server listening", metadata: [
                "host": .string(configuration.host), "port": .stringConvertible(port),
                "event_loops": .stringConvertible(configuration.eventLoops),
                "handler_threads": .stringConvertible(configuration.handlerThreads),
            ])
        } catch {
            for fd in listeners { close(fd) }
            throw error
        }
    }

    /// The bound port (useful with port 0); 0 before start().
    public var port: Int {
        state.withLock { s in
            if case .running(_, _, let port) = s { return port }
            return 0
        }
    }

    /// True once shutdown() was called.
    public var isDraining: Bool { drainingFlag.load(ordering: .relaxed) }

    /// Graceful stop: no new connections, idle ones closed, in-flight requests finished
    /// (their responses carry `Connection: close`) within `shutdownGrace`, then the rest
    /// closed and every thread joined. Safe to call more than once, from any thread.
    public func shutdown() {
        guard !drainingFlag.exchange(true, ordering: .relaxed) else {
            waitUntilStopped()
            return
        }
        let loops = state.withLock { s -> [EventLoop] in
            if case .running(let loops, _, _) = s { return loops }
            return []
        }
        for loop in loops { loop.post(.shutdown) }
        waitUntilStopped()
    }

    /// Blocks until shutdown() has finished (returns at once if never started).
    public func waitUntilStopped() {
        let running = state.withLock { s -> ([EventLoop], HandlerPool)? in
            if case .running(let loops, let pool, _) = s { return (loops, pool) }
            return nil
        }
        guard let (loops, pool) = running else { return }
        // Joining happens under the lock so concurrent callers all block until the first
        // caller has joined every thread (a pthread may be joined only once).
        let first = joined.withLock { done -> Bool in
            guard !done else { return false }
            for loop in loops { loop.join() }
            pool.stop()
            done = true
            return true
        }
        state.withLock { $0 = .stopped }
        if first { logger.info("http server stopped") }
    }
}
