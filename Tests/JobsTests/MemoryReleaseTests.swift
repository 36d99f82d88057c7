import Testing
@testable import Jobs

@Suite struct MemoryReleaseTests {
    static let smaps = """
    55d0a0000000-55d0a0100000 r-xp 00001000 08:01 1234     /usr/bin/sentinel
    Size:               1024 kB
    Rss:                 640 kB
    Anonymous:             0 kB
    VmFlags: rd ex mr mw me
    55d0a0100000-55d0a0110000 r--p 00101000 08:01 1234     /usr/bin/sentinel
    Rss:                  64 kB
    Anonymous:            64 kB
    55d0a0110000-55d0a0120000 rw-p 00111000 08:01 1234     /usr/bin/sentinel
    Rss:                  64 kB
    Anonymous:            12 kB
    7f0000000000-7f0000100000 r--s 00000000 08:01 99       /var/lib/sentinel/sentinel.db
    Rss:                 100 kB
    Anonymous:             0 kB
    7f0000200000-7f0000300000 rw-p 00000000 00:00 0        [heap]
    Rss:                 900 kB
    Anonymous:           900 kB
    7f0000400000-7f0000401000 r--p 00000000 00:00 0        [vvar]
    Rss:                   4 kB
    Anonymous:             0 kB
    7f0000500000-7f0000580000 r--p 00000000 08:01 77       /usr/lib/libcurl.so.4
    Rss:                 256 kB
    Anonymous:             0 kB
    """

    @Test func onlyPrivateReadOnlyFileMappingsWithoutCopiedPagesAreAdvised() {
        let advised = ReadOnlyFileMapping.parse(smaps: Self.smaps)
        #expect(advised == [
            ReadOnlyFileMapping(start: 0x55d0a0000000, end: 0x55d0a0100000, residentKiB: 640),
            ReadOnlyFileMapping(start: 0x7f0000500000, end: 0x7f0000580000, residentKiB: 256),
        ])
    }

    @Test func aMappingWhoseAnonymousLineIsMissingIsLeftAlone() {
        let text = "7f0000500000-7f0000580000 r--p 00000000 08:01 77 /usr/lib/libz.so\nRss: 8 kB\n"
        #expect(ReadOnlyFileMapping.parse(smaps: text).isEmpty)
    }

    @Test func releasingStartupPagesKeepsTheProcessWorking() throws {
        let report = try #require(MemoryRelease.releaseStartupPages())
        #expect(report.mappings > 0)
        // Code and constant data come back from the page cache on the next touch.
        let words = (0..<1000).map { "item-\($0)" }.joined(separator: ",")
        #expect(words.split(separator: ",").count == 1000)
    }
}
