#if canImport(Glibc)
import Glibc
#endif
#if canImport(CLinux)
import CLinux
#endif

/// A pthread the server owns (never Swift's cooperative pool), joinable once.
final class OwnedThread: @unchecked Sendable {
    // `handle` is written once by start() before any join() can be called.
    private var handle = pthread_t()
    private var started = false

    private final class Entry {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    func start(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) {
        let entry = Unmanaged.passRetained(Entry(name: name, body: body)).toOpaque()
        let rc = pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            let entry = Unmanaged<Entry>.fromOpaque(raw).takeRetainedValue()
            _ = pthread_setname_np(pthread_self(), String(entry.name.prefix(15)))
            entry.body()
            return nil
        }, entry)
        guard rc == 0 else {
            Unmanaged<Entry>.fromOpaque(entry).release()
            throw SystemError(call: "pthread_create", errno: rc)
        }
        started = true
    }

    func join() {
        guard started else { return }
        started = false
        pthread_join(handle, nil)
    }
}
