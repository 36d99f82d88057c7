#if canImport(Glibc)
import Glibc
#endif

/// A failed system call, with the errno it left.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public var call: String
    public var errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String { "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// Result of a non-blocking call.
enum IOResult<Value> {
    case value(Value)
    case wouldBlock
}

/// Every syscall goes through here: retries EINTR, reports EAGAIN as `.wouldBlock`,
/// throws anything else with the call's name.
@inline(__always)
func systemCall<T: BinaryInteger>(_ name: String, _ body: () -> T) throws(SystemError) -> IOResult<T> {
    while true {
        let result = body()
        if result >= 0 { return .value(result) }
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
        throw SystemError(call: name, errno: code)
    }
}

/// Monotonic time in milliseconds; coarse clock is enough for timeouts and cheap to read.
func monotonicMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

/// Precise monotonic time in seconds, for request durations.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
