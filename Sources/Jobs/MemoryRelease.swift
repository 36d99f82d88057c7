#if canImport(Glibc)
import Glibc
#endif

/// Gives memory the process no longer uses back to the operating system, so an idle server's
/// resident size is what it needs while idle, not what start-up or a training run touched.
///
/// Two kinds of pages are released:
/// - freed heap pages, which glibc keeps in its arenas until `malloc_trim` (declared in
///   <malloc.h>, which the Glibc module does not import) returns them;
/// - pages of read-only file mappings (the code and constant data of the binary and the shared
///   libraries) that were faulted in while starting: loading, relocating and first-use
///   initialisation of the Swift runtime, Foundation, SQLite, libcurl and OpenSSL touch far more
///   code than a serving loop runs, and the kernel maps whole 64 KiB neighbourhoods around each
///   faulting page. `madvise(MADV_DONTNEED)` drops those page-table entries (the pages stay in
///   the page cache and come back on the next touch, as a minor fault); `MADV_RANDOM` keeps the
///   kernel from mapping neighbours again, so what returns is what is actually run.
///
/// Invariant: only mappings that are file-backed, private, not writable and hold no anonymous
/// (copy-on-write) page are advised, so no byte of program state can be lost: such a page is
/// always identical to the file it maps.
public enum MemoryRelease {
    /// Returns freed heap pages to the system (after a memory-heavy run).
    public static func returnFreePagesToSystem() {
        #if os(Linux)
        _ = sentinel_malloc_trim(0)
        #endif
    }

    /// What ``releaseStartupPages()`` did.
    public struct Report: Sendable, Hashable {
        /// Read-only file mappings advised.
        public var mappings: Int
        /// Their resident kibibytes before the advice.
        public var residentKiB: Int
    }

    /// Returns freed heap pages and drops the resident pages of read-only file mappings (see the
    /// type's comment). Call once the server is up. Returns nil where /proc is unreadable.
    @discardableResult
    public static func releaseStartupPages() -> Report? {
        returnFreePagesToSystem()
        #if os(Linux)
        guard let text = readProcFile("/proc/self/smaps") else { return nil }
        var report = Report(mappings: 0, residentKiB: 0)
        for mapping in ReadOnlyFileMapping.parse(smaps: text) {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            let length = Int(mapping.end - mapping.start)
            _ = madvise(start, length, MADV_RANDOM)
            if madvise(start, length, MADV_DONTNEED) == 0 {
                report.mappings += 1
                report.residentKiB += mapping.residentKiB
            }
        }
        return report
        #else
        return nil
        #endif
    }

    private static func readProcFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// One mapping of /proc/self/smaps that ``MemoryRelease`` may advise: file-backed, private,
/// not writable, with no anonymous page.
struct ReadOnlyFileMapping: Hashable {
    let start: UInt
    let end: UInt
    let residentKiB: Int

    /// The advisable mappings of an smaps text; anything it cannot read is left out.
    static func parse(smaps: String) -> [ReadOnlyFileMapping] {
        var result: [ReadOnlyFileMapping] = []
        var current: (start: UInt, end: UInt, eligible: Bool)?
        var resident = 0, anonymous = -1
        func close() {
            if let c = current, c.eligible, anonymous == 0 {
                result.append(ReadOnlyFileMapping(start: c.start, end: c.end, residentKiB: resident))
            }
        }
        for line in smaps.split(separator: "\n") {
            if let header = header(line) {
                close()
                current = header
                resident = 0; anonymous = -1
            } else if line.hasPrefix("Rss:") {
                resident = kibibytes(line) ?? 0
            } else if line.hasPrefix("Anonymous:") {
                anonymous = kibibytes(line) ?? -1
            }
        }
        close()
        return result
    }

    /// `start-end perms offset dev inode [path]`, or nil for a field line.
    private static func header(_ line: Substring) -> (start: UInt, end: UInt, eligible: Bool)? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 5, let dash = fields[0].firstIndex(of: "-"),
              let start = UInt(fields[0][..<dash], radix: 16),
              let end = UInt(fields[0][fields[0].index(after: dash)...], radix: 16), end > start else { return nil }
        let perms = Array(fields[1].utf8)
        guard perms.count == 4, let inode = Int(fields[4]) else { return nil }
        let writable = perms[1] == UInt8(ascii: "w"), privateMapping = perms[3] == UInt8(ascii: "p")
        return (start, end, inode != 0 && !writable && privateMapping)
    }

    private static func kibibytes(_ line: Substring) -> Int? {
        line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
    }
}

#if os(Linux)
@_silgen_name("malloc_trim")
private func sentinel_malloc_trim(_ pad: Int) -> Int32
#endif
