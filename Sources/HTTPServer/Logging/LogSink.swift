#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where finished log lines go. A call hands over whole lines only, and implementations
/// must keep one call's bytes together (lines from different threads never interleave).
public protocol LogSink: Sendable {
    func write(_ bytes: UnsafeRawBufferPointer)
}

/// Writes to a file descriptor under a lock, retrying short writes and EINTR.
///
/// Every writer of a descriptor should share one instance (``standardError`` for fd 2):
/// the lock is what keeps a swift-log line from landing inside a batch of access-log lines
/// when stderr is a pipe and a batch exceeds the pipe's atomic write size.
public final class FileDescriptorSink: LogSink {
    /// The process's one writer of standard error.
    public static let standardError = FileDescriptorSink(fd: 2)

    private let fd: Int32
    private let lock = Mutex<Void>(())

    public init(fd: Int32) { self.fd = fd }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        lock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, base + offset, bytes.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    // A closed or full log destination must not stop the service: drop the rest.
                    return
                }
            }
        }
    }
}
