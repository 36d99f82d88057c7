#if canImport(Glibc)
import Glibc
#endif
import Logging
#if os(Linux)
import CLinux
#endif

/// Reading, parsing, dispatching and writing for one connection (loop thread only).
extension EventLoop {
    /// Above this many unsent bytes a connection stops processing pipelined requests.
    static let outputHighWater = 256 * 1024
    /// Above this many buffered input bytes a busy connection stops reading.
    static let inputHighWater = 64 * 1024
    static let lingerLimit = 256 * 1024

    /// Reads and processes what the socket holds. With `stopOnShortRead`, a read that returns
    /// less than the buffer ends the pass without the extra read that would only say EAGAIN:
    /// the socket was drained, and under edge triggering any later data raises a new event.
    /// (Not when the event reported a hang-up: then reading goes on until it sees the end.)
    func onReadable(_ c: Connection, stopOnShortRead: Bool = false) {
        c.reading = true
        defer { c.reading = false }
        while !c.closed {
            if c.phase != .lingering && c.phase != .head && c.phase != .body
                && c.unconsumedInput > Self.inputHighWater {
                c.readPaused = true
                return
            }
            let n = read(c.fd, scratch.baseAddress, scratch.count)
            if n > 0 {
                c.readPaused = false
                if c.phase == .lingering {
                    c.lingerBytes += n
                    if c.lingerBytes > Self.lingerLimit { closeConnection(c) }
                    continue
                }
                feed(c, UnsafeBufferPointer(rebasing: scratch[0..<n]))
                if stopOnShortRead && n < scratch.count { return }
            } else if n == 0 {
                peerClosed(c)
                return
            } else {
                let code = errno
                if code == EINTR { continue }
                if code != EAGAIN && code != EWOULDBLOCK { closeConnection(c) }
                return
            }
        }
    }

    func onWritable(_ c: Connection) {
        guard c.unsentOutput > 0 else { return }
        flush(c)
        continueAfterResponse(c)
    }

    /// After a response is queued or output drained: process pipelined input, resume reading.
    func continueAfterResponse(_ c: Connection) {
        guard !c.closed, c.phase == .head else { return }
        if c.unconsumedInput > 0 && c.unsentOutput <= Self.outputHighWater { resume(c) }
        if !c.closed && c.readPaused { onReadable(c) }
    }

    private func peerClosed(_ c: Connection) {
        c.peerClosed = true
        switch c.phase {
        case .handling:
            break
        case .closing where c.unsentOutput > 0:
            break
        default:
            if c.phase == .head && c.unsentOutput > 0 && c.unconsumedInput == 0 {
                c.phase = .closing
            } else {
                closeConnection(c)
            }
        }
    }

    private func feed(_ c: Connection, _ bytes: UnsafeBufferPointer<UInt8>) {
        if c.unconsumedInput == 0 {
            // Fast path: parse straight from the read buffer, keep only an unfinished tail.
            let used = consume(c, bytes)
            if !c.closed && used < bytes.count {
                c.input.removeAll(keepingCapacity: c.input.capacity <= 64 * 1024)
                c.input.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[used...]))
                c.inputStart = 0
            }
        } else {
            c.input.append(contentsOf: bytes)
            resume(c)
        }
    }

    /// Parses buffered input. `consume` never touches `c.input`, so reading it here is safe.
    private func resume(_ c: Connection) {
        let used = c.input.withUnsafeBufferPointer { buffer in
            consume(c, UnsafeBufferPointer(rebasing: buffer[c.inputStart...]))
        }
        guard !c.closed else { return }
        c.inputStart += used
        if c.inputStart == c.input.count {
            c.input.removeAll(keepingCapacity: c.input.capacity <= 64 * 1024)
            c.inputStart = 0
        } else if c.inputStart >= 16 * 1024 {
            c.input.removeFirst(c.inputStart)
            c.inputStart = 0
        }
    }

    /// Runs the request state machine over `buf`; returns how many bytes it used.
    private func consume(_ c: Connection, _ buf: UnsafeBufferPointer<UInt8>) -> Int {
        var offset = 0
        do {
            while !c.closed && offset < buf.count {
                switch c.phase {
                case .head:
                    guard c.unsentOutput <= Self.outputHighWater else { return offset }
                    if c.headerDeadline == 0 {
                        c.headerDeadline = now + Int64(context.configuration.timeouts.header * 1000)
                    }
                    guard let (head, used) = try c.headParser.parse(UnsafeBufferPointer(rebasing: buf[offset...]))
                    else { return offset }
                    offset += used
                    c.headParser.reset()
                    c.headerDeadline = 0
                    beginRequest(c, head)
                case .body:
                    let used = try c.bodyParser.parse(UnsafeBufferPointer(rebasing: buf[offset...]))
                    offset += used
                    c.bodyBytes += used
                    c.bodyLastProgress = now
                    guard c.bodyParser.isComplete else { return offset }
                    dispatch(c)
                case .handling, .streaming, .closing, .lingering:
                    return offset
                }
            }
        } catch {
            reject(c, error)
            return buf.count
        }
        return offset
    }

    private func beginRequest(_ c: Connection, _ head: RequestHead) {
        c.requestsServed += 1
        let requestID = head.headers["X-Request-Id"].flatMap { RequestIDGenerator.isSane($0) ? $0 : nil }
            ?? requestIDs.next()
        let (rawPath, query) = RequestTarget.split(head.target)
        let match = context.router.match(head.method, path: rawPath)
        var exchange = Connection.Exchange(head: head, match: match, requestID: requestID,
                                           started: monotonicSeconds(), rawPath: rawPath, query: query)
        let cors = context.configuration.cors
        if head.method == .options, !cors.allowedOrigins.isEmpty, let origin = head.headers["Origin"],
           let requested = head.headers["Access-Control-Request-Method"] {
            switch match {
            case .options(let allow), .methodNotAllowed(let allow):
                exchange.preflight = cors.preflight(origin: origin, allow: allow, requestHeaders: requested)
            case .found, .notFound:
                break
            }
        }
        c.exchange = exchange

        var limit = context.configuration.limits.defaultBody
        if case .found(let route, _) = match { limit = route.options.bodyLimit }
        if case .length(let n) = head.framing, n > limit {
            reject(c, HTTPParseError(413, "request body exceeds \(limit) bytes"))
            return
        }
        if head.framing == .none {
            c.bodyParser = RequestBodyParser(framing: .none, limit: 0, limits: context.configuration.limits)
            dispatch(c)
            return
        }
        if head.expectsContinue {
            guard case .found = match else {
                // Answer without reading the body; the unread body forces a close.
                finish(c, standardResponse(for: exchange), forceClose: true)
                return
            }
            c.output.append(contentsOf: ResponseEncoder.continueLine)
            flush(c)
        }
        c.phase = .body
        c.bodyParser = RequestBodyParser(framing: head.framing, limit: limit, limits: context.configuration.limits)
        c.bodyStart = now
        c.bodyLastProgress = now
        c.bodyBytes = 0
    }

    private func dispatch(_ c: Connection) {
        guard let exchange = c.exchange else { return }
        guard case .found(let route, let parameters) = exchange.match else {
            finish(c, standardResponse(for: exchange))
            return
        }
        var request = HTTPRequest(head: exchange.head, rawPath: exchange.rawPath, query: exchange.query,
                                  body: c.bodyParser.body, requestID: exchange.requestID, remoteAddress: c.remote)
        request.pathParameters = parameters
        request.routePattern = route.pattern
        c.bodyParser = RequestBodyParser(framing: .none, limit: 0, limits: context.configuration.limits)
        if route.options.execution == .inline {
            finish(c, context.invoke(route, request))
            return
        }
        if let attempt = route.options.inlineAttempt, let response = attempt(request) {
            finish(c, response)
            return
        }
        c.phase = .handling
        let id = c.id
        let context = self.context
        let prepared = request
        context.pool.submit { [self] in
            self.post(.completed(id, context.invoke(route, prepared)))
        }
    }

    /// Responses the server makes itself: 404, 405, OPTIONS and CORS preflight.
    private func standardResponse(for exchange: Connection.Exchange) -> HTTPResponse {
        if let preflight = exchange.preflight { return preflight }
        switch exchange.match {
        case .found, .notFound:
            return .problem(Problem.status(404, "No resource at this path."),
                            instance: exchange.head.target, requestID: exchange.requestID)
        case .methodNotAllowed(let allow):
            var response = HTTPResponse.problem(
                Problem.status(405, "\(exchange.head.method.rawValue) is not allowed here."),
                instance: exchange.head.target, requestID: exchange.requestID)
            response.headers.add("Allow", allow)
            return response
        case .options(let allow):
            var response = HTTPResponse(status: 204)
            response.headers.add("Allow", allow)
            return response
        }
    }

    /// Answers a malformed or refused request and closes the connection after the response.
    func reject(_ c: Connection, _ error: any Error) {
        let parseError = error as? HTTPParseError ?? HTTPParseError(400, "bad request")
        if c.exchange == nil {
            let head = RequestHead(method: HTTPMethod("-"), target: "-", minorVersion: 1, headers: HTTPHeaders(),
                                   framing: .none, keepAlive: false, expectsContinue: false)
            c.exchange = Connection.Exchange(head: head, match: .notFound, requestID: requestIDs.next(),
                                             started: monotonicSeconds(), rawPath: "", query: "")
        }
        let target = c.exchange.map { $0.head.target == "-" ? nil : $0.head.target } ?? nil
        let response = HTTPResponse.problem(Problem.status(parseError.status, parseError.reason),
                                            instance: target, requestID: c.exchange?.requestID)
        finish(c, response, forceClose: true)
    }

    /// Queues the response for the current exchange and moves the connection on.
    func finish(_ c: Connection, _ original: HTTPResponse, forceClose: Bool = false) {
        guard let exchange = c.exchange else { return }
        c.exchange = nil
        var response = original
        let head = exchange.head
        // A file body still going out must leave before anything queued after it.
        queueRestOfFile(c)
        let isStream: Bool
        var streamToAttach: ResponseStream?
        if case .stream(let s) = response.body { isStream = true; streamToAttach = s } else { isStream = false }
        let close = forceClose || isStream || !head.keepAlive || c.peerClosed || draining
            || c.requestsServed >= context.configuration.maxRequestsPerConnection
        if exchange.preflight == nil && context.corsEnabled {
            context.configuration.cors.apply(origin: head.headers["Origin"], to: &response.headers)
        }
        let connectionHeader: ResponseEncoder.ConnectionHeader =
            close ? .close : (head.minorVersion == 0 ? .keepAlive : .none)
        var bodyBytes = 0
        var unqueuedBody: [UInt8]?
        switch response.body {
        case .bytes(let body):
            let allowsBody = ResponseEncoder.allowsBody(response.status)
            let nothingQueued = c.output.isEmpty
            ResponseEncoder.appendHead(to: &c.output, status: response.status, headers: response.headers,
                                       date: dateCache.line, requestID: exchange.requestID,
                                       contentLength: allowsBody ? body.count : nil, connection: connectionHeader)
            if allowsBody && head.method != .head {
                bodyBytes = body.count
                // A large body (a cached page) goes to the socket from where it is, after the head.
                if nothingQueued && body.count >= Self.unqueuedBodyMinimum { unqueuedBody = body } else { c.output.append(contentsOf: body) }
            }
        case .file(let file):
            let allowsBody = ResponseEncoder.allowsBody(response.status)
            ResponseEncoder.appendHead(to: &c.output, status: response.status, headers: response.headers,
                                       date: dateCache.line, requestID: exchange.requestID,
                                       contentLength: allowsBody ? file.count : nil, connection: connectionHeader)
            if allowsBody && head.method != .head {
                bodyBytes = file.count
                c.file = file
                c.fileSent = 0
            }
        case .stream:
            ResponseEncoder.appendHead(to: &c.output, status: response.status, headers: response.headers,
                                       date: dateCache.line, requestID: exchange.requestID,
                                       contentLength: nil, connection: .close)
        }
        record(exchange, c, status: response.status, bytes: bodyBytes)

        if let stream = streamToAttach, head.method != .head {
            c.phase = .streaming
            c.stream = stream
            flush(c)
            if !c.closed && stream.attach(loop: self, connection: c.id) { pumpStream(c) }
            return
        }
        c.phase = close ? .closing : .head
        c.idleSince = now
        if let unqueuedBody { sendHead(c, then: unqueuedBody) } else { flush(c) }
    }

    /// Bodies at least this large are sent without first being copied behind their head.
    static let unqueuedBodyMinimum = 8 * 1024

    /// Sends the queued head and `body` in one `sendmsg`, so a large body is not copied into
    /// the output buffer first; what the socket does not take is queued and sent by `flush`
    /// as usual (which also handles any error). Requires the output to hold only that head.
    private func sendHead(_ c: Connection, then body: [UInt8]) {
        let headCount = c.output.count
        var n: Int
        repeat {
            n = c.output.withUnsafeMutableBytes { head in
                body.withUnsafeBytes { bytes in
                    var parts = [iovec(iov_base: head.baseAddress, iov_len: head.count),
                                 iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)]
                    return parts.withUnsafeMutableBufferPointer { iov in
                        var message = msghdr()
                        message.msg_iov = iov.baseAddress
                        message.msg_iovlen = iov.count
                        return sendmsg(c.fd, &message, Int32(MSG_NOSIGNAL))
                    }
                }
            }
        } while n < 0 && errno == EINTR
        let taken = max(0, n)
        if taken > 0 { c.writeProgress = now }
        if taken >= headCount {
            c.output.removeAll(keepingCapacity: true)
            c.output.append(contentsOf: body[(taken - headCount)...])
        } else {
            c.outputSent = taken
            c.output.append(contentsOf: body)
        }
        flush(c)
    }

    private func record(_ exchange: Connection.Exchange, _ c: Connection, status: Int, bytes: Int) {
        let seconds = monotonicSeconds() - exchange.started
        var routeLabel = "unmatched"
        if case .found(let route, _) = exchange.match { routeLabel = route.pattern }
        context.observer?.requestFinished(route: routeLabel, method: exchange.head.method.rawValue,
                                          status: status, seconds: seconds)
        let hundredths = (seconds * 100_000).rounded()
        if accessLog != nil {
            accessLog?.append(AccessLogEntry(requestID: exchange.requestID, method: exchange.head.method.rawValue,
                                             path: exchange.rawPath, status: status,
                                             durationHundredths: Int(min(hundredths, 1e15)), bytes: bytes, remote: c.remote))
        } else if logsRequestsThroughLogger {
            logger.info("request", metadata: [
                "request_id": .string(exchange.requestID),
                "method": .string(exchange.head.method.rawValue),
                "path": .string(String(exchange.rawPath)),
                "status": .stringConvertible(status),
                "duration_ms": .stringConvertible(hundredths / 100),
                "bytes": .stringConvertible(bytes),
                "remote": .string(c.remote),
            ])
        }
    }

    /// Moves bytes a ``ResponseStream`` queued into the socket.
    func pumpStream(_ c: Connection) {
        guard !c.closed, c.phase == .streaming, let stream = c.stream else { return }
        let (bytes, end, dropped) = stream.take()
        if dropped {
            closeConnection(c)
            return
        }
        c.output.append(contentsOf: bytes)
        if end { c.phase = .closing }
        flush(c)
    }

    /// Writes as much output as the socket takes; finishes closing once everything is sent.
    func flush(_ c: Connection) {
        // With a file body to follow, MSG_MORE lets the head leave in the body's first segment.
        let flags = Int32(MSG_NOSIGNAL) | (c.file != nil ? Int32(MSG_MORE) : 0)
        while c.outputSent < c.output.count {
            let n = c.output.withUnsafeBytes { raw in
                send(c.fd, raw.baseAddress! + c.outputSent, raw.count - c.outputSent, flags)
            }
            if n > 0 {
                c.outputSent += n
                c.writeProgress = now
            } else {
                let code = errno
                if n < 0 && code == EINTR { continue }
                if n < 0 && (code == EAGAIN || code == EWOULDBLOCK) { break }
                closeConnection(c)
                return
            }
        }
        if c.outputSent == c.output.count, sendFile(c) {
            c.output.removeAll(keepingCapacity: c.output.capacity <= 64 * 1024)
            c.outputSent = 0
            c.writeProgress = 0
            if c.phase == .closing { beginLinger(c) }
        }
        if !c.closed { c.stream?.updateInFlight(c.unsentOutput) }
    }

    /// Sends what is left of the connection's file body with `sendfile`; true once none is left
    /// (or there was none), false while the socket is full or after closing on an error.
    private func sendFile(_ c: Connection) -> Bool {
        guard let file = c.file else { return true }
        while c.fileSent < file.count {
            var offset = off_t(c.fileSent)
            let n = sendfile(c.fd, file.fd, &offset, file.count - c.fileSent)
            if n > 0 {
                c.fileSent += n
                c.writeProgress = now
                continue
            }
            let code = errno
            if n < 0 && code == EINTR { continue }
            if n < 0 && (code == EAGAIN || code == EWOULDBLOCK) { return false }
            closeConnection(c)
            return false
        }
        c.file = nil
        c.fileSent = 0
        return true
    }

    /// Moves the unsent part of a file body into `output`, so what is queued next follows it.
    private func queueRestOfFile(_ c: Connection) {
        guard let file = c.file else { return }
        c.output.append(contentsOf: file.bytes[c.fileSent...])
        c.file = nil
        c.fileSent = 0
    }

    /// Half-closes and discards input for a moment so the client reads our final response
    /// instead of a reset caused by unread data (RFC 9112 §9.6).
    private func beginLinger(_ c: Connection) {
        if c.peerClosed || c.stream != nil {
            closeConnection(c)
            return
        }
        shutdown(c.fd, Int32(SHUT_WR))
        c.phase = .lingering
        c.lingerDeadline = now + 2000
        // Inside a read the caller's loop keeps draining; otherwise start draining here.
        if !c.reading { onReadable(c) }
    }
}
