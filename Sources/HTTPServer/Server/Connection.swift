/// One client connection's state. Owned and touched only by its event loop's thread.
final class Connection {
    enum Phase {
        /// Waiting for (more of) a request head.
        case head
        /// Reading a request body.
        case body
        /// An offloaded handler is running.
        case handling
        /// Writing a ``ResponseStream``.
        case streaming
        /// Flushing a final response; then half-close and linger.
        case closing
        /// Write side shut; discarding input briefly so the peer sees our response, not a reset.
        case lingering
    }

    /// The request being read or handled.
    struct Exchange {
        var head: RequestHead
        var match: Router.Match
        var requestID: String
        var started: Double
        var rawPath: Substring
        var query: Substring
        var preflight: HTTPResponse?
    }

    let id: UInt64
    let fd: Int32
    let remote: String
    var phase = Phase.head
    var closed = false

    var input: [UInt8] = []
    var inputStart = 0
    var output: [UInt8] = []
    var outputSent = 0
    /// A file-backed body to send after `output`, and how much of it went out.
    var file: FileBackedBody?
    var fileSent = 0

    var headParser: RequestHeadParser
    var bodyParser: RequestBodyParser
    var exchange: Exchange?
    var stream: ResponseStream?

    var requestsServed = 0
    var peerClosed = false
    var readPaused = false
    /// True while onReadable runs for this connection (guards re-entrant reads).
    var reading = false

    // Timing, in monotonic milliseconds; 0 = not armed.
    var headerDeadline: Int64 = 0
    var idleSince: Int64
    var bodyStart: Int64 = 0
    var bodyLastProgress: Int64 = 0
    var bodyBytes = 0
    var writeProgress: Int64 = 0
    var lingerDeadline: Int64 = 0
    var lingerBytes = 0

    init(id: UInt64, fd: Int32, remote: String, limits: ParserLimits, now: Int64) {
        self.id = id
        self.fd = fd
        self.remote = remote
        self.idleSince = now
        headParser = RequestHeadParser(limits: limits)
        bodyParser = RequestBodyParser(framing: .none, limit: 0, limits: limits)
    }

    var unconsumedInput: Int { input.count - inputStart }
    var unsentOutput: Int { output.count - outputSent + (file.map { $0.count - fileSent } ?? 0) }
}
