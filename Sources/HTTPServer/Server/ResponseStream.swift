import Synchronization

/// An open-ended response body (Server-Sent Events) written from any thread.
///
/// A handler returns `HTTPResponse.eventStream(stream)` and keeps `stream`. ``write(_:)`` never
/// blocks: bytes are queued and the connection's event loop is woken through its eventfd.
/// When the queued-but-unsent bytes would exceed the buffer limit, the slow client is dropped
/// and every later write returns false. An open stream costs memory only, never a thread.
public final class ResponseStream: Sendable {
    struct State {
        var pending: [UInt8] = []
        /// Bytes handed to the connection but not yet accepted by the kernel.
        var inFlight = 0
        var closed = false
        var finishRequested = false
        var notified = false
        var loop: EventLoop?
        var connection: UInt64 = 0
        var onClose: [@Sendable () -> Void] = []
    }

    let state = Mutex(State())
    private let limitOverride: Int?

    /// - Parameter bufferLimit: unsent bytes allowed before the client is dropped; nil uses
    ///   the server's ``ServerConfiguration/streamBufferLimit``.
    public init(bufferLimit: Int? = nil) { limitOverride = bufferLimit }

    /// Queues `bytes`; false once the stream is closed or its client was dropped.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        var wake: (EventLoop, UInt64)?
        let accepted = state.withLock { s -> Bool in
            guard !s.closed, !s.finishRequested else { return false }
            let limit = limitOverride ?? s.loop?.streamBufferLimit ?? (1 << 20)
            if s.pending.count + s.inFlight + bytes.count > limit {
                s.closed = true
                s.pending = []
                if let loop = s.loop { wake = (loop, s.connection) }
                return false
            }
            s.pending.append(contentsOf: bytes)
            if let loop = s.loop, !s.notified {
                s.notified = true
                wake = (loop, s.connection)
            }
            return true
        }
        if let (loop, id) = wake { loop.post(.streamReady(id)) }
        if !accepted { runCloseCallbacks() }
        return accepted
    }

    @discardableResult
    public func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    /// Sends what is queued, then ends the response and closes the connection.
    public func close() {
        let wake = state.withLock { s -> (EventLoop, UInt64)? in
            guard !s.closed, !s.finishRequested else { return nil }
            s.finishRequested = true
            guard let loop = s.loop else { return nil }
            s.notified = true
            return (loop, s.connection)
        }
        if let (loop, id) = wake { loop.post(.streamReady(id)) }
    }

    /// True once the client is gone, the stream was dropped, or close() was called.
    public var isClosed: Bool { state.withLock { $0.closed || $0.finishRequested } }

    /// Runs `callback` once when the stream ends for any reason (immediately if it already has).
    public func onClose(_ callback: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { s -> Bool in
            if s.closed { return true }
            s.onClose.append(callback)
            return false
        }
        if runNow { callback() }
    }

    // MARK: loop side

    /// Binds the stream to its connection; returns true if bytes or a close are already waiting.
    func attach(loop: EventLoop, connection: UInt64) -> Bool {
        state.withLock { s in
            s.loop = loop
            s.connection = connection
            s.notified = true
            return true
        }
    }

    /// Takes queued bytes for the connection; `end` tells whether the response is finished
    /// (closed by the writer) and `dropped` whether the client must be cut off.
    func take() -> (bytes: [UInt8], end: Bool, dropped: Bool) {
        state.withLock { s in
            s.notified = false
            let bytes = s.pending
            s.pending = []
            s.inFlight += bytes.count
            return (bytes, s.finishRequested, s.closed)
        }
    }

    func updateInFlight(_ unsent: Int) {
        state.withLock { $0.inFlight = unsent }
    }

    /// The connection ended; later writes fail.
    func markClosed() {
        state.withLock { s in
            s.closed = true
            s.pending = []
            s.loop = nil
        }
        runCloseCallbacks()
    }

    private func runCloseCallbacks() {
        let callbacks = state.withLock { s -> [@Sendable () -> Void] in
            let c = s.onClose
            s.onClose = []
            return c
        }
        for callback in callbacks { callback() }
    }
}
