#if canImport(Glibc)
import Glibc
#endif
#if os(Linux)
import CLinux
#endif

/// A response body kept in an anonymous in-memory file (`memfd_create`), which the event loop
/// sends with `sendfile(2)`: the kernel hands the file's pages to the socket instead of copying
/// the bytes from our heap into it for every response, as nginx serves a static file. For
/// bodies sent many times unchanged, such as cached pages.
///
/// Invariants: the file holds exactly `bytes`, is never written after `init`, and is closed
/// when the last response referring to it is released. `bytes` stays in memory too, for
/// the paths that must copy (pipelined responses queued behind this one, tests).
public final class FileBackedBody: Sendable {
    public let bytes: [UInt8]
    let fd: Int32

    /// nil when the file cannot be made or filled (no memfd support, out of memory): send
    /// `bytes` as an ordinary body then.
    public init?(_ bytes: [UInt8]) {
        #if os(Linux)
        let fd = memfd_create("sentinel-body", SENTINEL_MFD_CLOEXEC)
        guard fd >= 0 else { return nil }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { close(fd); return nil }
            written += n
        }
        self.fd = fd
        self.bytes = bytes
        #else
        return nil
        #endif
    }

    public var count: Int { bytes.count }

    deinit { close(fd) }
}
