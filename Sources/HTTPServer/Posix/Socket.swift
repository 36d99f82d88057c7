#if canImport(Glibc)
import Glibc
#endif
#if canImport(CLinux)
import CLinux
#endif

/// Thin wrappers over the BSD socket calls the server makes.
enum Socket {
    /// Creates a non-blocking IPv4/IPv6 listening socket with SO_REUSEPORT, so each event
    /// loop can own one and the kernel spreads connections between them.
    static func listen(host: String, port: Int, backlog: Int32, reusePort: Bool = true) throws(ServerError) -> Int32 {
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                sin.pointee.sin_family = sa_family_t(AF_INET)
                sin.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
                sin.pointee.sin_addr = v4
            }
        } else if inet_pton(AF_INET6, host, &v6) == 1 {
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin6 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                sin6.pointee.sin6_family = sa_family_t(AF_INET6)
                sin6.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                sin6.pointee.sin6_addr = v6
            }
        } else {
            throw ServerError.invalidAddress(host)
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                        | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError.system(SystemError(call: "socket", errno: errno)) }
        setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        if reusePort { setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            switch code {
            case EADDRINUSE: throw ServerError.addressInUse(host: host, port: port)
            case EACCES: throw ServerError.permissionDenied(host: host, port: port)
            case EADDRNOTAVAIL: throw ServerError.invalidAddress(host)
            default: throw ServerError.system(SystemError(call: "bind", errno: code))
            }
        }
        guard backlog == 0 || Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw ServerError.system(SystemError(call: "listen", errno: code))
        }
        return fd
    }

    /// SO_REUSEPORT would let a second server (same user) silently share the port, so a
    /// plain bind of a throwaway socket checks that nobody else holds it first.
    static func checkPortIsFree(host: String, port: Int) throws(ServerError) {
        guard port != 0 else { return }
        let probe = try listen(host: host, port: port, backlog: 0, reusePort: false)
        close(probe)
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var v = value
        _ = setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    static func boundPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return withUnsafeBytes(of: &storage) { raw in
            // sin_port and sin6_port sit at the same offset.
            let sin = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
            return Int(UInt16(bigEndian: sin.pointee.sin_port))
        }
    }

    /// Accepts one connection as non-blocking; returns its fd and peer IP text.
    static func accept(_ listener: Int32) throws(SystemError) -> IOResult<(Int32, String)> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try systemCall("accept4") {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(listener, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
        }
        guard case .value(let fd) = result else { return .wouldBlock }
        return .value((fd, addressText(&storage)))
    }

    private static func addressText(_ storage: inout sockaddr_storage) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = storage.ss_family
        withUnsafeBytes(of: &storage) { raw in
            if family == sa_family_t(AF_INET) {
                var addr = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self).pointee.sin_addr
                _ = inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
            } else if family == sa_family_t(AF_INET6) {
                var addr = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_addr
                _ = inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
            }
        }
        return text.withUnsafeBufferPointer { buf in
            String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
