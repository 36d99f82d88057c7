#if canImport(Glibc)
import Glibc
#endif
#if canImport(CLinux)
import CLinux
#endif
import Logging
import Synchronization

/// One event-loop thread: its own epoll set, SO_REUSEPORT listener, eventfd and connections.
///
/// Invariant (why `@unchecked Sendable` is sound): every `var` below except `inbox` is read
/// and written only on the loop's own thread; other threads talk to it only through
/// ``post(_:)``, which appends to the locked inbox and signals the eventfd.
final class EventLoop: @unchecked Sendable {
    enum Message {
        case completed(UInt64, HTTPResponse)
        case streamReady(UInt64)
        case shutdown
    }

    static let listenerToken: UInt64 = 0
    static let wakeToken: UInt64 = 1
    static let tickMilliseconds: Int64 = 100

    let index: Int
    let context: ServerContext
    let streamBufferLimit: Int
    let epoll: Epoll
    let wake: WakeSignal
    private let inbox = Mutex<[Message]>([])
    private let thread = OwnedThread()

    var listener: Int32
    var connections: [UInt64: Connection] = [:]
    private var nextID: UInt64 = 2
    let scratch: UnsafeMutableBufferPointer<UInt8>
    var dateCache = DateCache()
    var requestIDs: RequestIDGenerator
    var logger: Logger
    /// Nil when there is no buffered access log or the logger's level hides it.
    var accessLog: AccessLogBuffer?
    /// Without a buffered access log configured, requests are logged through `logger`.
    let logsRequestsThroughLogger: Bool
    var now: Int64 = monotonicMilliseconds()
    private var lastTick: Int64 = 0
    var draining = false
    private var drainDeadline: Int64 = 0
    private var reserveFD: Int32 = -1

    init(index: Int, listener: Int32, context: ServerContext) throws(SystemError) {
        self.index = index
        self.listener = listener
        self.context = context
        streamBufferLimit = context.configuration.streamBufferLimit
        epoll = try Epoll()
        wake = try WakeSignal()
        scratch = .allocate(capacity: 64 * 1024)
        requestIDs = RequestIDGenerator(loopIndex: index)
        logger = context.logger
        accessLog = context.configuration.accessLog.flatMap { AccessLogBuffer($0, logger: context.logger) }
        logsRequestsThroughLogger = context.configuration.accessLog == nil
        try epoll.add(wake.fd, events: Epoll.readable, token: Self.wakeToken)
        try epoll.add(listener, events: Epoll.readable, token: Self.listenerToken)
        reserveFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
        dateCache.refresh()
    }

    deinit {
        scratch.deallocate()
        if reserveFD >= 0 { close(reserveFD) }
    }

    func start() throws(SystemError) {
        try thread.start(name: "http-loop-\(index)") { [self] in self.run() }
    }

    func join() { thread.join() }

    /// Hands a message to the loop from any thread.
    func post(_ message: Message) {
        let wasEmpty = inbox.withLock { box in
            let empty = box.isEmpty
            box.append(message)
            return empty
        }
        if wasEmpty { wake.signal() }
    }

    private func run() {
        while true {
            // Everything answered in the last iteration is logged with one write before sleeping.
            accessLog?.flush()
            epoll.wait(timeout: Int32(Self.tickMilliseconds)) { token, events in
                now = monotonicMilliseconds()
                switch token {
                case Self.listenerToken: acceptConnections()
                case Self.wakeToken: drainInbox()
                default:
                    if let connection = connections[token] { handle(connection, events: events) }
                }
            }
            now = monotonicMilliseconds()
            if now - lastTick >= Self.tickMilliseconds {
                lastTick = now
                dateCache.refresh()
                checkTimers()
            }
            if draining && (connections.isEmpty || now >= drainDeadline) { break }
        }
        for connection in Array(connections.values) { closeConnection(connection) }
        closeListener()
        accessLog?.flush()
    }

    private func handle(_ c: Connection, events: UInt32) {
        if events & Epoll.writable != 0 { onWritable(c) }
        if !c.closed && events & (Epoll.readable | Epoll.hangup) != 0 {
            onReadable(c, stopOnShortRead: events & Epoll.hangup == 0)
        }
    }

    // MARK: accepting

    private func acceptConnections() {
        for _ in 0..<64 where listener >= 0 {
            do {
                guard case .value(let (fd, remote)) = try Socket.accept(listener) else { return }
                admit(fd, remote: remote)
            } catch let error where error.errno == EMFILE || error.errno == ENFILE {
                shedWithReserveDescriptor()
                return
            } catch {
                continue
            }
        }
    }

    private func admit(_ fd: Int32, remote: String) {
        guard !draining, context.limiter.acquire(remote) else {
            refuse(fd)
            return
        }
        Socket.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        let c = Connection(id: nextID, fd: fd, remote: remote, limits: context.configuration.limits, now: now)
        nextID += 1
        do {
            try epoll.add(fd, events: Epoll.readable | Epoll.writable | Epoll.hangup | Epoll.edge, token: c.id)
        } catch {
            context.limiter.release(remote)
            close(fd)
            return
        }
        connections[c.id] = c
    }

    private static let overloaded: [UInt8] = Array(
        ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nRetry-After: 1\r\n"
         + "Content-Length: 12\r\nConnection: close\r\n\r\nover limit\r\n").utf8)

    /// Over a connection cap: a best-effort 503, then close; never queued or waited on.
    private func refuse(_ fd: Int32) {
        Self.overloaded.withUnsafeBytes { _ = send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        shutdown(fd, Int32(SHUT_WR))
        close(fd)
    }

    /// Out of descriptors: free the reserve, accept and drop one pending connection so the
    /// listener stops reporting readiness, then take the reserve back.
    private func shedWithReserveDescriptor() {
        if reserveFD >= 0 { close(reserveFD); reserveFD = -1 }
        let fd = accept4(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
        if fd >= 0 { close(fd) }
        reserveFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
        logger.warning("out of file descriptors; dropped a connection", metadata: ["loop": .stringConvertible(index)])
    }

    private func closeListener() {
        guard listener >= 0 else { return }
        epoll.remove(listener)
        close(listener)
        listener = -1
    }

    // MARK: cross-thread messages

    private func drainInbox() {
        wake.drain()
        let messages = inbox.withLock { box -> [Message] in
            let taken = box
            box.removeAll(keepingCapacity: true)
            return taken
        }
        for message in messages {
            switch message {
            case .completed(let id, let response):
                guard let c = connections[id], c.phase == .handling else { continue }
                finish(c, response)
                continueAfterResponse(c)
            case .streamReady(let id):
                if let c = connections[id] { pumpStream(c) }
            case .shutdown:
                beginDrain()
            }
        }
    }

    private func beginDrain() {
        guard !draining else { return }
        draining = true
        drainDeadline = now + Int64(context.configuration.shutdownGrace * 1000)
        closeListener()
        for c in Array(connections.values) {
            switch c.phase {
            case .head where c.unconsumedInput == 0 && c.unsentOutput == 0 && c.headerDeadline == 0:
                closeConnection(c)
            case .streaming:
                c.stream?.markClosed()
                c.phase = .closing
                flush(c)
            default:
                break
            }
        }
    }

    // MARK: timers

    private func checkTimers() {
        let t = context.configuration.timeouts
        var expired: [(Connection, Int?)] = []
        for c in connections.values {
            if c.unsentOutput > 0 && c.writeProgress > 0 && now - c.writeProgress > Int64(t.writeIdle * 1000) {
                expired.append((c, nil))
                continue
            }
            switch c.phase {
            case .head:
                if c.headerDeadline != 0 {
                    if now >= c.headerDeadline { expired.append((c, 408)) }
                } else if c.unsentOutput == 0 && now - c.idleSince >= Int64(t.keepAliveIdle * 1000) {
                    expired.append((c, nil))
                }
            case .body:
                let elapsed = now - c.bodyStart
                let slow = elapsed > 2000 && Int64(c.bodyBytes) * 1000 / elapsed < Int64(t.bodyMinimumBytesPerSecond)
                if slow || now - c.bodyLastProgress > Int64(t.bodyIdle * 1000) || elapsed > Int64(t.request * 1000) {
                    expired.append((c, 408))
                }
            case .lingering:
                if now >= c.lingerDeadline { expired.append((c, nil)) }
            case .handling, .streaming, .closing:
                break
            }
        }
        for (c, status) in expired where !c.closed {
            if let status { reject(c, HTTPParseError(status, "request timed out")) } else { closeConnection(c) }
        }
    }

    func closeConnection(_ c: Connection) {
        guard !c.closed else { return }
        c.closed = true
        epoll.remove(c.fd)
        close(c.fd)
        connections[c.id] = nil
        context.limiter.release(c.remote)
        if let stream = c.stream {
            c.stream = nil
            stream.markClosed()
        }
    }
}
