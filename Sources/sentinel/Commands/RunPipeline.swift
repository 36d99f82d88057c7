import API
import ArgumentParser
import Domain
import Foundation
import Jobs
import Logging
import Pipelines
import Storage

/// `sentinel run <pipeline>`: one pipeline once against the store, then exit, so cron, a CI
/// scheduler or a Kubernetes CronJob can drive the system while a server keeps serving.
struct RunPipeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline once (feature, training, inference, validation, drift, or all) and exit.")

    @Argument(help: "feature, training, inference, validation, drift, alerts, or all (feature → training → inference).")
    var pipeline: String

    @Option(name: .customLong("asset"), help: "Run for this asset only (default: every configured asset).")
    var onlyAsset: String?

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sourceOptions: SourceOptions

    func run() throws {
        try global.bootstrapLogging()
        let logger = Logger(label: "sentinel")
        let kinds: [PipelineKind]
        if pipeline == "all" { kinds = [.feature, .training, .inference] } else {
            guard let k = PipelineKind(rawValue: pipeline) else {
                throw ValidationError("unknown pipeline '\(pipeline)': feature, training, inference, validation, drift, alerts or all")
            }
            kinds = [k]
        }
        let app = try ServiceAssembly.make(global: global, sourceOptions: sourceOptions, clockMode: .oneShot, logger: logger)
        let asset = try onlyAsset.map { raw -> AssetID in
            guard app.assets.descriptor(AssetID(raw)) != nil else { throw ValidationError("asset '\(raw)' is not configured") }
            return AssetID(raw)
        }
        let pool = WorkerPool(queue: app.queue, pipelines: app.pipelines, assets: app.assets.ids, clock: app.clock,
                              configuration: WorkerPoolConfiguration(workers: 1), logger: logger)
        var failed = false
        for kind in kinds {
            guard app.pipelines.contains(where: { $0.kind == kind }) else {
                throw ValidationError("pipeline '\(kind.rawValue)' is not available in this build yet")
            }
            let queued = try app.queue.trigger(kind, asset: asset, trigger: .cli, reason: "sentinel run").run
            let done: Run
            do {
                done = try pool.runNow(queued)
            } catch StoreError.conflict {
                throw ValidationError("a \(kind.rawValue) run is already running against \(global.databasePath)")
            }
            var w = JSONWriter()
            w.run(done)
            print(String(decoding: w.bytes, as: UTF8.self))
            if done.status != .succeeded { failed = true; break }
        }
        try app.store.checkpoint()
        if failed { throw ExitCode(1) }
    }
}
