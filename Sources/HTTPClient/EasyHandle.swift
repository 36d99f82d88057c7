import CCurl
import Synchronization

/// `curl_global_init` is not thread-safe and must run once before any handle exists;
/// a lazily initialised global gives exactly that (Swift runs it under `swift_once`).
let curlGlobalInit: Int = Int(curl_global_init(Int(CURL_GLOBAL_DEFAULT)).rawValue)

/// Set from a cancellation handler on any thread, read by the transfer's progress callback.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// What the C callbacks of one transfer write into. Reached through `Unmanaged` from the
/// callbacks, which run synchronously inside `curl_easy_perform` on the performing thread.
private final class TransferSink {
    let limit: Int
    var received = 0
    var exceeded = false
    var status = 0
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    let cancellation: CancellationFlag?

    init(limit: Int, cancellation: CancellationFlag?) { self.limit = limit; self.cancellation = cancellation }

    /// Counts bytes against the cap; false once it is exceeded.
    func admit(_ n: Int) -> Bool {
        received += n
        if received > limit { exceeded = true }
        return !exceeded
    }

    func headerLine(_ bytes: UnsafeBufferPointer<UInt8>) {
        var line = Substring(String(decoding: bytes, as: UTF8.self))
        while let last = line.last, last.isNewline { line.removeLast() }  // "\r\n" is one Character
        if line.hasPrefix("HTTP/") {
            // A new status line: an interim (1xx) response's headers do not carry over.
            headers = [:]
            let parts = line.split(separator: " ", maxSplits: 2)
            if parts.count >= 2, let code = Int(parts[1]) { status = code }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingSpaces()
        if let existing = headers[name] { headers[name] = existing + ", " + value } else { headers[name] = value }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

/// One libcurl easy handle. Reusing it keeps its connection cache, so repeated requests to
/// the same host skip the TCP and TLS handshakes.
///
/// `@unchecked Sendable` because a handle is only ever used by one thread at a time: it is
/// either owned by a worker thread or checked out of the client's idle pool by one caller.
final class EasyHandle: @unchecked Sendable {
    private let curl: UnsafeMutableRawPointer?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() {
        _ = curlGlobalInit
        curl = curl_easy_init()
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        if let curl { curl_easy_cleanup(curl) }
        errorBuffer.deallocate()
    }

    func perform(_ request: HTTPRequest, _ config: HTTPClientConfiguration,
                 cancellation: CancellationFlag?) -> Result<HTTPResponse, HTTPClientError> {
        guard let curl else { return .failure(.transport(code: -1, message: "curl_easy_init failed")) }
        if let problem = Self.validate(request, config) { return .failure(.invalidRequest(problem)) }
        // Reset clears options but keeps the connection cache and DNS cache.
        curl_easy_reset(curl)
        errorBuffer[0] = 0

        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        for h in request.headers { headerList = curl_slist_append(headerList, "\(h.name): \(h.value)") }
        // A POST body over 1 KiB would make curl wait up to a second for "100 Continue".
        if request.method == .post { headerList = curl_slist_append(headerList, "Expect:") }
        defer { curl_slist_free_all(headerList) }

        let sink = TransferSink(limit: config.maxResponseBytes, cancellation: cancellation)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let total = request.timeout ?? config.totalTimeout

        _ = ccurl_setopt_string(curl, CURLOPT_URL, request.url)
        let plainAllowed = config.allowPlainHTTP || Self.isLoopback(request.url.lowercased())
        _ = ccurl_setopt_string(curl, CURLOPT_PROTOCOLS_STR, plainAllowed ? "http,https" : "https")
        _ = ccurl_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0)
        _ = ccurl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, config.connectTimeout.wholeMilliseconds)
        _ = ccurl_setopt_long(curl, CURLOPT_TIMEOUT_MS, total.wholeMilliseconds)
        _ = ccurl_setopt_long(curl, CURLOPT_LOW_SPEED_LIMIT, config.lowSpeedLimit)
        _ = ccurl_setopt_long(curl, CURLOPT_LOW_SPEED_TIME, max(1, Int(config.lowSpeedTime.components.seconds)))
        _ = ccurl_setopt_off(curl, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(config.maxResponseBytes))
        _ = ccurl_setopt_string(curl, CURLOPT_ACCEPT_ENCODING, "")
        _ = ccurl_setopt_string(curl, CURLOPT_USERAGENT, config.userAgent)
        _ = ccurl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_setopt_slist(curl, CURLOPT_HTTPHEADER, headerList)
        if request.method == .post {
            _ = ccurl_setopt_long(curl, CURLOPT_POST, 1)
            _ = ccurl_setopt_off(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            request.body.withUnsafeBytes { raw in
                // COPYPOSTFIELDS copies now, so the Swift array need not outlive this call.
                _ = ccurl_setopt_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(errorBuffer)))
            }
        } else {
            _ = ccurl_setopt_long(curl, CURLOPT_HTTPGET, 1)
        }
        _ = ccurl_setopt_pointer(curl, CURLOPT_WRITEDATA, context)
        _ = ccurl_setopt_write_function(curl) { data, size, count, userdata in
            guard let userdata else { return 0 }
            let sink = Unmanaged<TransferSink>.fromOpaque(userdata).takeUnretainedValue()
            let n = size * count
            guard sink.admit(n) else { return 0 }   // any short count aborts the transfer
            if n > 0, let data { data.withMemoryRebound(to: UInt8.self, capacity: n) { sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) } }
            return n
        }
        _ = ccurl_setopt_pointer(curl, CURLOPT_HEADERDATA, context)
        _ = ccurl_setopt_header_function(curl) { data, size, count, userdata in
            guard let userdata else { return 0 }
            let sink = Unmanaged<TransferSink>.fromOpaque(userdata).takeUnretainedValue()
            let n = size * count
            guard sink.admit(n) else { return 0 }
            if n > 0, let data { data.withMemoryRebound(to: UInt8.self, capacity: n) { sink.headerLine(UnsafeBufferPointer(start: $0, count: n)) } }
            return n
        }
        if cancellation != nil {
            _ = ccurl_setopt_long(curl, CURLOPT_NOPROGRESS, 0)
            _ = ccurl_setopt_pointer(curl, CURLOPT_XFERINFODATA, context)
            _ = ccurl_setopt_xferinfo_function(curl) { userdata, _, _, _, _ in
                guard let userdata else { return 0 }
                let sink = Unmanaged<TransferSink>.fromOpaque(userdata).takeUnretainedValue()
                return (sink.cancellation?.isCancelled ?? false) ? 1 : 0
            }
        }

        let code = withExtendedLifetime(sink) { curl_easy_perform(curl) }
        if code == CURLE_OK {
            var status = 0
            _ = ccurl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
            return .success(HTTPResponse(status: status != 0 ? status : sink.status, headers: sink.headers, body: sink.body))
        }
        return .failure(error(for: code, sink: sink))
    }

    private func error(for code: CURLcode, sink: TransferSink) -> HTTPClientError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return .timeout(detail)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .couldNotConnect(detail)
        case CURLE_FILESIZE_EXCEEDED: return .tooLarge(limit: sink.limit)
        case CURLE_WRITE_ERROR where sink.exceeded: return .tooLarge(limit: sink.limit)
        case CURLE_ABORTED_BY_CALLBACK: return .cancelled
        case CURLE_PARTIAL_FILE: return .truncated(detail)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: return .invalidRequest(detail)
        default: return .transport(code: Int(code.rawValue), message: detail)
        }
    }

    /// Plain http never leaves the machine when the host is loopback (a local mock server).
    static func isLoopback(_ lowercasedURL: String) -> Bool {
        ["http://127.0.0.1", "http://localhost", "http://[::1]"].contains { prefix in
            guard lowercasedURL.hasPrefix(prefix) else { return false }
            let next = lowercasedURL.dropFirst(prefix.count).first
            return next == nil || next == ":" || next == "/"
        }
    }

    private static func validate(_ request: HTTPRequest, _ config: HTTPClientConfiguration) -> String? {
        let lower = request.url.lowercased()
        guard lower.hasPrefix("https://") || (lower.hasPrefix("http://") && (config.allowPlainHTTP || isLoopback(lower))) else {
            return "scheme not allowed in \(request.url.prefix(60))"
        }
        func clean(_ s: String) -> Bool { !s.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) }
        guard clean(request.url), !request.url.contains(" ") else { return "control characters in URL" }
        for h in request.headers where !clean(h.name) || !clean(h.value) || h.name.isEmpty || h.name.contains(":") {
            return "bad header field '\(h.name.prefix(40))'"
        }
        return nil
    }
}
