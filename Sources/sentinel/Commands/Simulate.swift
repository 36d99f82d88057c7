import API
import ArgumentParser
import Domain
import Foundation
import Jobs
import Logging
import MarketData
import Storage
#if canImport(Glibc)
import Glibc
#endif

/// `sentinel simulate`: the whole schedule on a virtual clock over replay data, as fast as
/// the machine allows, ending with a report (text on stdout, JSON with `--json`).
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole schedule on a virtual clock over replay data and report what happened.")

    @Option(name: .customLong("asset"), help: "Asset to simulate (repeatable; default: every asset of the replay data).")
    var assetIDs: [String] = []

    @Option(help: "Start of the simulated range: RFC 3339 or YYYY-MM-DD (default: the start of the data).")
    var from: String?

    @Option(help: "End of the simulated range: RFC 3339 or YYYY-MM-DD (default: the end of the data).")
    var to: String?

    @Option(help: "Replay this CSV instead of the bundled data (repeatable, ASSET=FILE or a file named after the asset).")
    var replayData: [String] = []

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    @Option(help: "SQLite store to simulate into (default: a temporary file, removed afterwards).")
    var db: String?

    @Option(help: "Virtual minutes between scheduler ticks.")
    var stepMinutes: Int = 1

    @Option(help: "Virtual minutes between scheduled training runs (design default 30).")
    var trainingInterval: Int = 30

    @Option(help: "Log level of the pipelines' own logs on stderr.")
    var logLevel: String = "error"

    @Flag(help: "No progress line.")
    var quiet = false

    func run() throws {
        let assetArgs = assetIDs.isEmpty ? [] : ["--assets", assetIDs.joined(separator: ",")]
        let scratch = db == nil ? Self.scratchDirectory() : nil
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        let dbPath = db ?? (scratch.map { $0 + "/simulation.db" } ?? "simulation.db")
        let global = try GlobalOptions.parse(["--db", dbPath, "--log-level", logLevel] + assetArgs)
        try global.bootstrapLogging()
        let logger = Logger(label: "sentinel")

        let data = try SourceOptions.parse(["--source", "replay"] + replayData.flatMap { ["--replay-data", $0] }).replayDataSet()
        let assets = assetIDs.isEmpty ? data.assets : assetIDs.map { AssetID($0) }
        let ranges = try assets.map { a -> ClosedRange<Timestamp> in
            guard let r = data.range(of: a) else {
                throw ValidationError("asset '\(a)' has no replay data (have: \(data.assets.map(\.rawValue).joined(separator: ", ")))")
            }
            return r
        }
        let start = try from.map { try Self.parseDate($0, option: "--from") }
            ?? (ranges.map(\.lowerBound).max() ?? Timestamp(milliseconds: 0)).floored(to: .minutes(5))
        let end = try to.map { try Self.parseDate($0, option: "--to") } ?? (ranges.map(\.upperBound).min() ?? start)
        guard end > start else { throw ValidationError("--to (\(end)) must be after --from (\(start))") }
        guard (1...60).contains(stepMinutes) else { throw ValidationError("--step-minutes must be 1…60") }
        guard (5...10_080).contains(trainingInterval) else { throw ValidationError("--training-interval must be 5…10080 minutes") }

        var sourceArgs = ["--source", "replay", "--replay-start", start.rfc3339]
        for f in replayData { sourceArgs += ["--replay-data", f] }
        let app = try ServiceAssembly.make(global: global, sourceOptions: try SourceOptions.parse(sourceArgs),
                                           clockMode: .oneShot, logger: logger, idSeed: 0x5E17_1AE1,
                                           durability: .rebuildable)
        guard let replayClock = app.replay?.clock else { throw ValidationError("simulate needs a replay source") }

        let wallTimes = PipelineWallTimes()
        let engine = SimulationEngine(
            settings: SimulationSettings(assets: assets, from: start, to: end, step: .minutes(Int64(stepMinutes)),
                                         schedules: PipelineSchedule.defaults(training: .minutes(Int64(trainingInterval)))),
            queue: app.queue, pipelines: app.pipelines, store: app.store, clock: app.clock,
            setClock: { replayClock.set($0) }, observers: [RunEventPublisher(events: app.events), wallTimes],
            logger: logger)

        // The event log is appended by the bus's writer thread in batches, as when serving,
        // instead of one store transaction per event on the simulation's thread.
        app.events.start()
        defer { app.events.stop() }
        let wallStart = Date()
        let line = ProgressLine(enabled: !quiet)
        let report = try engine.run { p in
            let minutes = Date().timeIntervalSince(wallStart) / 60
            let rate = minutes > 0 ? p.simulatedDays / minutes : 0
            line.show("simulate " + String(format: "%5.1f %%", p.fraction * 100) + "  \(p.now.rfc3339)  "
                      + String(format: "day %.1f/%.1f  runs %d  %.1f simulated days/min", p.simulatedDays,
                               Double(end.milliseconds - start.milliseconds) / 86_400_000, p.runs, rate))
        }
        line.finish()
        let seconds = Date().timeIntervalSince(wallStart)

        print(report.text, terminator: "")
        if let json {
            var w = JSONWriter(capacity: 64 * 1024)
            w.value(report.json)
            do {
                try Data(w.bytes + [10]).write(to: URL(fileURLWithPath: json))
            } catch {
                throw ValidationError("cannot write the report to \(json): \(error)")
            }
        }
        let days = report.simulatedDays
        FileHandle.standardError.write(Data(String(format: "simulated %.1f days in %.1f s (%.2f simulated days per minute)\n",
                                                   days, seconds, seconds > 0 ? days / (seconds / 60) : 0).utf8))
        // Where the wall time went, for benchmarks; the rest is the scheduler, the queue and the report.
        let inRuns = wallTimes.entries.reduce(0) { $0 + $1.seconds }
        let lines = wallTimes.lines + [String(format: "wall outside_runs total_s=%.1f", max(0, seconds - inRuns))]
        FileHandle.standardError.write(Data(lines.joined(separator: "\n").appending("\n").utf8))
    }

    /// RFC 3339, or a bare date meaning its midnight UTC.
    static func parseDate(_ text: String, option: String) throws -> Timestamp {
        if let t = Timestamp(parsing: text) { return t }
        if let t = Timestamp(parsing: text + "T00:00:00Z") { return t }
        throw ValidationError("\(option) must be an RFC 3339 time or YYYY-MM-DD, not '\(text)'")
    }

    /// A fresh directory on a memory file system when there is one: the simulated store is
    /// thrown away. (Any simulated store is opened `.rebuildable`: it is a function of the
    /// replay data, so an fsync per transaction would only slow the simulation down.)
    static func scratchDirectory() -> String {
        let base = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
        let path = base + "sentinel-simulate-\(getpid())-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// One line on stderr rewritten in place on a terminal, or printed now and then otherwise.
final class ProgressLine {
    private let enabled: Bool
    private let terminal = isatty(STDERR_FILENO) == 1
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[K" + text : text + "\n").utf8))
        shown = true
    }

    func finish() {
        if enabled, terminal, shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
