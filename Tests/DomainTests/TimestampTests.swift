import Testing
@testable import Domain

@Suite struct TimestampTests {
    @Test func formatsEpochAsRFC3339() {
        #expect(Timestamp(milliseconds: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(milliseconds: 1_744_689_600_000).rfc3339 == "2025-04-15T04:00:00Z")
        #expect(Timestamp(milliseconds: 1_744_689_600_123).rfc3339 == "2025-04-15T04:00:00.123Z")
        #expect(Timestamp(milliseconds: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
    }

    @Test func parsesWhatItFormatsAndOffsets() {
        for ms: Int64 in [0, 1_744_689_600_000, 951_782_400_000 /* 2000-02-29 */, 1_735_689_600_123] {
            #expect(Timestamp(parsing: Timestamp(milliseconds: ms).rfc3339)?.milliseconds == ms)
        }
        #expect(Timestamp(parsing: "2025-04-15T06:00:00+02:00")?.milliseconds == 1_744_689_600_000)
        #expect(Timestamp(parsing: "1744689600000")?.milliseconds == 1_744_689_600_000)
    }

    @Test func refusesMalformedTimes() {
        for bad in ["", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2025-04-15T04:00:00", "2025-04-15T24:00:00Z",
                    "2025-04-15T04:00:00.Z", "yesterday", "2025-04-15T04:00:00Zjunk"] {
            #expect(Timestamp(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func knowsUTCHourAndWeekday() {
        let t = Timestamp(milliseconds: 1_744_689_600_000) // Tuesday 04:00 UTC
        #expect(t.utcHour == 4)
        #expect(t.utcDayOfWeek == 1)
        #expect(Timestamp(milliseconds: 0).utcDayOfWeek == 3)
    }

    @Test func floorsToTheFiveMinuteGrid() {
        let t = Timestamp(milliseconds: 1_744_689_612_345)
        #expect(t.floored(to: BarGrid.step).milliseconds == 1_744_689_600_000)
    }
}

@Suite struct ULIDTests {
    @Test func idsFromOneGeneratorIncreaseWithinAMillisecond() {
        let clock = ManualWallClock(Timestamp(milliseconds: 1_744_689_600_000))
        let gen = ULIDGenerator(clock: clock, seed: 7)
        var last = gen.next()
        for _ in 0..<1000 {
            let id = gen.next()
            #expect(id > last)
            #expect(id.timestamp.milliseconds == 1_744_689_600_000)
            last = id
        }
        #expect(ULID(last.string) == last)
        #expect(ULID("not-a-ulid") == nil)
    }
}
