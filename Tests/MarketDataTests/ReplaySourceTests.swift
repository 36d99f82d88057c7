import SentinelTesting
import Domain
import Foundation
import MarketData
import Testing

@Suite("ReplaySource and ReplayClock")
struct ReplaySourceTests {
    static let bundled: ReplayDataSet? = try? ReplayDataSet.bundled()
    static let fixtureNow = Timestamp(milliseconds: 1_744_689_600_000)

    private func tempFile(_ name: String, _ contents: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("the bundled data loads bitcoin and ethereum with their time ranges")
    func bundledDataLoads() throws {
        let data = try #require(Self.bundled)
        #expect(data.assets == ["bitcoin", "ethereum"])
        #expect(data.series["bitcoin"]?.count == 30_000)
        let range = try #require(data.range(of: "bitcoin"))
        #expect(range.lowerBound == Timestamp(milliseconds: 1_735_689_600_000))
        #expect(range.upperBound == Self.fixtureNow)
        #expect(data.defaultStart == range.lowerBound + .days(7))
    }

    @Test("no bar closes after the virtual now, and each 5 minutes reveals one more")
    func noLookAhead() async throws {
        let data = try #require(Self.bundled)
        let start = data.defaultStart + .minutes(2)
        let clock = ReplayClock.manual(start: start)
        let replay = ReplaySource(data: data, clock: clock)
        let before = try await replay.bars(of: "bitcoin", since: Timestamp(milliseconds: 0))
        #expect(before.allSatisfy { $0.closeTime <= start })
        #expect(before.last?.closeTime == data.defaultStart)
        clock.advance(by: .minutes(3))
        let after = try await replay.bars(of: "bitcoin", since: Timestamp(milliseconds: 0))
        #expect(after.count == before.count + 1)
        #expect(after.last?.closeTime == clock.now())
        let recent = try await replay.bars(of: "bitcoin", since: clock.now() - .hours(1))
        #expect(recent.count == 12)
    }

    @Test("the latest price is the last close with its change from 24 h earlier")
    func latestPriceWith24hChange() async throws {
        let data = try #require(Self.bundled)
        let replay = ReplaySource(data: data, clock: .manual(start: Self.fixtureNow + .minutes(4)))
        let quote = try await replay.latestPrice(of: "bitcoin")
        #expect(quote.price == 85379.96)
        #expect(quote.time == Self.fixtureNow)
        #expect(abs((quote.change24h ?? 0) - (85379.96 / 84566.03 - 1)) < 1e-12)
        await #expect(throws: MarketSourceError.unknownAsset("dogecoin")) { try await replay.latestPrice(of: "dogecoin") }
    }

    @Test("before the first bar closes there is no price")
    func noPriceBeforeData() async throws {
        let data = try #require(Self.bundled)
        let replay = ReplaySource(data: data, clock: .manual(start: Timestamp(milliseconds: 1_735_689_600_000)))
        await #expect(throws: MarketSourceError.self) { try await replay.latestPrice(of: "bitcoin") }
        #expect(try await replay.bars(of: "bitcoin", since: Timestamp(milliseconds: 0)).isEmpty)
    }

    @Test("a running clock moves at speed times real time")
    func clockRunsAtSpeed() async throws {
        let start = Timestamp(milliseconds: 1_000_000)
        let realStart = ContinuousClock.now
        let clock = ReplayClock(start: start, speed: 1000)
        try await Task.sleep(for: .milliseconds(100))
        let advanced = clock.now() - start
        let real = ContinuousClock.now - realStart
        let realMilliseconds = Int64(real.components.seconds * 1000 + real.components.attoseconds / 1_000_000_000_000_000)
        // Virtual time is real time × speed: at least 100 ms × 1000, at most what really elapsed × 1000.
        #expect(advanced >= .seconds(100))
        #expect(advanced.value <= (realMilliseconds + 1) * 1000)
        #expect(!clock.isManual && clock.speed == 1000)
    }

    @Test("a manual clock stands still until set or advanced")
    func manualClock() async throws {
        let start = Timestamp(milliseconds: 1_000_000)
        let clock = ReplayClock.manual(start: start)
        try await Task.sleep(for: .milliseconds(20))
        #expect(clock.now() == start)
        clock.advance(by: .minutes(5))
        #expect(clock.now() == start + .minutes(5))
        clock.set(start)
        #expect(clock.now() == start)
        #expect(clock.isManual)
    }

    @Test("the asset id comes from the file name")
    func assetIDFromFileName() {
        #expect(ReplayDataSet.assetID(fromFileName: "btc-usd-5m.csv") == "bitcoin")
        #expect(ReplayDataSet.assetID(fromFileName: "ETH-usd-5m.csv") == "ethereum")
        #expect(ReplayDataSet.assetID(fromFileName: "solana.csv") == "solana")
        #expect(ReplayDataSet.assetID(fromFileName: "sol-usd-5m.csv") == "sol-usd-5m")
    }

    @Test("a valid user file loads under the id from its name")
    func userFileLoads() throws {
        let path = try tempFile("eth-usd-5m.csv", "timestamp_ms,open,high,low,close,volume\r\n300000,1,2,0.5,1.5,10\r\n900000,1.5,1.5,1.5,1.5,0\r\n")
        let data = try ReplayDataSet.load([.init(path: path)])
        #expect(data.series["ethereum"]?.map(\.close) == [1.5, 1.5])
        #expect(data.range(of: "ethereum") == Timestamp(milliseconds: 300_000)...Timestamp(milliseconds: 1_200_000))
    }

    @Test("user file errors name the file and the line", arguments: [
        ("time,o,h,l,c,v\n", ReplayDataError.badHeader(file: "x.csv", found: "time,o,h,l,c,v")),
        ("timestamp_ms,open,high,low,close,volume\n0,1,1,1,1,1\n300000,1,abc,1,1,1\n",
         .badRow(file: "x.csv", line: 3, reason: "field 3 is not a number")),
        ("timestamp_ms,open,high,low,close,volume\n0,1,1,1,1,1\n300000,1,1,1,1\n",
         .badRow(file: "x.csv", line: 3, reason: "expected 6 fields, found 5")),
        ("timestamp_ms,open,high,low,close,volume\n0,1,1,1,1,1\n300001,1,1,1,1,1\n", .offGrid(file: "x.csv", line: 3)),
        ("timestamp_ms,open,high,low,close,volume\n300000,1,1,1,1,1\n0,1,1,1,1,1\n", .notAscending(file: "x.csv", line: 3)),
        ("timestamp_ms,open,high,low,close,volume\n0,1,1,1,1,1\n300000,1,1,1,1,1\n600000,-1,1,1,1,1\n",
         .badPrice(file: "x.csv", line: 4, reason: "open -1.0 is not a positive finite price")),
        ("timestamp_ms,open,high,low,close,volume\n0,1,1,1,nan,1\n",
         .badPrice(file: "x.csv", line: 2, reason: "close nan is not a positive finite price")),
        ("timestamp_ms,open,high,low,close,volume\n", .empty(file: "x.csv")),
    ])
    func userFileErrors(_ contents: String, _ expected: ReplayDataError) throws {
        let path = try tempFile("x.csv", contents)
        #expect(throws: expected) { try ReplayDataSet.load([.init(path: path, asset: "x")]) }
    }

    @Test("an error's description reads file:line: reason")
    func errorDescription() {
        #expect(ReplayDataError.offGrid(file: "btc.csv", line: 7).description == "btc.csv:7: timestamp not on the 5-minute grid")
    }

    @Test("a missing file is unreadable, and a bad id from a file name is refused")
    func missingFileAndBadID() throws {
        #expect(throws: ReplayDataError.self) { try ReplayDataSet.load([.init(path: "/nonexistent/btc-usd-5m.csv")]) }
        let path = try tempFile("Bad Name.csv", "timestamp_ms,open,high,low,close,volume\n0,1,1,1,1,1\n")
        #expect(throws: ReplayDataError.badAssetID(file: "Bad Name.csv", id: "bad name")) {
            try ReplayDataSet.load([.init(path: path)])
        }
    }

    @Test("the status reports the virtual now and speed")
    func statusReportsClock() async throws {
        let data = try #require(Self.bundled)
        let replay = ReplaySource(data: data, clock: .manual(start: data.defaultStart))
        _ = try await replay.latestPrice(of: "ethereum")
        #expect(replay.status.virtualNow == data.defaultStart)
        #expect(replay.status.callsMade == 1)
        #expect(replay.historyLimit == nil)
    }
}
