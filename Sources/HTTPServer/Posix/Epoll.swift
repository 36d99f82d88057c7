#if canImport(Glibc)
import Glibc
#endif
#if canImport(CLinux)
import CLinux
#endif

/// One epoll instance. Registrations carry a 64-bit token (connection id), never the fd,
/// so a stale event for a closed and reused fd can't reach the wrong connection.
struct Epoll: ~Copyable {
    let fd: Int32
    private let events: UnsafeMutablePointer<epoll_event>
    private let capacity: Int32

    init(capacity: Int32 = 256) throws(SystemError) {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw SystemError(call: "epoll_create1", errno: errno) }
        self.fd = fd
        self.capacity = capacity
        events = .allocate(capacity: Int(capacity))
    }

    deinit {
        close(fd)
        events.deallocate()
    }

    static let readable = EPOLLIN.rawValue
    static let writable = EPOLLOUT.rawValue
    static let hangup = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue
    static let edge = EPOLLET.rawValue

    func add(_ target: Int32, events mask: UInt32, token: UInt64) throws(SystemError) {
        var ev = epoll_event()
        ev.events = mask
        ev.data.u64 = token
        guard epoll_ctl(fd, EPOLL_CTL_ADD, target, &ev) == 0 else {
            throw SystemError(call: "epoll_ctl(ADD)", errno: errno)
        }
    }

    func remove(_ target: Int32) {
        var ev = epoll_event()
        _ = epoll_ctl(fd, EPOLL_CTL_DEL, target, &ev)
    }

    /// Waits up to `timeout` ms and calls `body(token, events)` for each ready registration.
    func wait(timeout: Int32, _ body: (UInt64, UInt32) -> Void) {
        let n = epoll_wait(fd, events, capacity, timeout)
        guard n > 0 else { return }
        for i in 0..<Int(n) { body(events[i].data.u64, events[i].events) }
    }
}

/// An eventfd used to wake a loop from other threads.
struct WakeSignal: ~Copyable {
    let fd: Int32

    init() throws(SystemError) {
        let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fd >= 0 else { throw SystemError(call: "eventfd", errno: errno) }
        self.fd = fd
    }

    deinit { close(fd) }

    func signal() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(fd, $0.baseAddress, 8) }
    }

    func drain() {
        var value: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &value) { read(fd, $0.baseAddress, 8) }
    }
}
