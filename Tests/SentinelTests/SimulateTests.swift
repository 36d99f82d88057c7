import Foundation
import SentinelTesting
import Testing

/// `sentinel simulate` through the real binary.
@Suite struct SimulateTests {
    struct Output { var status: Int32; var stdout: String; var stderr: String }

    static func sentinel(_ arguments: [String]) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: SentinelProcess.binaryPath)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SENTINEL_") }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes while it runs, so a full pipe never blocks the child.
        let errData = DataBox()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errData.isSet { Thread.sleep(forTimeInterval: 0.01) }
        return Output(status: p.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: errData.value, as: UTF8.self))
    }

    static let range = ["--asset", "bitcoin", "--from", "2025-01-10T00:00:00Z", "--to", "2025-01-10T00:30:00Z",
                        "--training-interval", "120", "--quiet"]

    @Test func twoSimulationsOfTheSameRangeGiveIdenticalReports() throws {
        let dir = SentinelProcess.temporaryDirectory()
        // Both at once: a debug build trains slowly, and the two must not share anything anyway.
        let other = DataBox()
        let parallel = Thread {
            let out = try? Self.sentinel(["simulate"] + Self.range + ["--json", dir + "/b.json"])
            other.set(Data((out.map { "\($0.status)\n" + $0.stdout } ?? "failed").utf8))
        }
        parallel.start()
        let first = try Self.sentinel(["simulate"] + Self.range + ["--json", dir + "/a.json"])
        while !other.isSet { Thread.sleep(forTimeInterval: 0.05) }
        let second = String(decoding: other.value, as: UTF8.self)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(second.hasPrefix("0\n"), "\(second)")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.json"))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/b.json"))
        #expect(a == b)
        #expect("0\n" + first.stdout == second)

        let report = try #require(try JSONSerialization.jsonObject(with: a) as? [String: Any])
        let runs = report["runs"] as? [[String: Any]] ?? []
        let feature = runs.first { $0["pipeline"] as? String == "feature" }
        // Half an hour of 5-minute runs, starting at once.
        #expect(feature?["succeeded"] as? Int == 6)
        let trainings = report["trainings"] as? [String: Any]
        // One scheduled training (drift may have asked for more).
        let scheduled = (trainings?["succeeded"] as? Int ?? 0) + (trainings?["failed"] as? Int ?? 0)
            - (trainings?["triggered_by_drift"] as? Int ?? 0)
        #expect(scheduled == 1)
        #expect((report["predictions"] as? [String: Any])?["total"] as? Int ?? 0 > 0)
        for key in ["predictions", "scorecard", "promotions", "rollbacks", "drift", "alerts", "champion_vs_baselines"] {
            #expect(report.keys.contains(key), "report lacks \(key)")
        }
        #expect(first.stdout.contains("Scorecard"))
        #expect(first.stderr.contains("simulated days per minute"))
    }

    @Test func aRangeThatEndsBeforeItStartsIsRefused() throws {
        let out = try Self.sentinel(["simulate", "--asset", "bitcoin", "--from", "2025-01-10", "--to", "2025-01-09", "--quiet"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("--to"))
    }

    @Test func anAssetWithoutReplayDataIsRefused() throws {
        let out = try Self.sentinel(["simulate", "--asset", "dogecoin", "--quiet"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("dogecoin"))
    }
}

/// Bytes read by one thread and handed to another.
final class DataBox: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var stored: Data?
    func set(_ v: Data) { lock.lock(); stored = v; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return stored != nil }
    var value: Data { lock.lock(); defer { lock.unlock() }; return stored ?? Data() }
}
