import API
import ArgumentParser
import Domain
import Foundation
import Logging
import Pipelines
import Storage

/// `sentinel models list|show|promote|rollback`: the registry from the command line.
struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, promote and roll back model versions.",
        subcommands: [List.self, Show.self, Promote.self, Rollback.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List model versions, newest first.")
        @Option(name: .customLong("asset"), help: "Only this asset.") var asset: String?
        @Option(help: "Only this family (ridge, random_forest, gradient_boosting, xgboost, …).") var family: String?
        @Option(help: "Only this stage (candidate, challenger, production, archived).") var stage: String?
        @Option(help: "How many (1…1000).") var limit: Int = 50
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.bootstrapLogging()
            let store = try ServiceAssembly.openStore(global.databasePath, logger: Logger(label: "sentinel"))
            let fam = try family.map { f -> ModelFamily in
                guard let v = ModelFamily(rawValue: f) else { throw ValidationError("unknown family '\(f)'") }
                return v
            }
            let stg = try stage.map { s -> ModelStage in
                guard let v = ModelStage(rawValue: s) else { throw ValidationError("unknown stage '\(s)'") }
                return v
            }
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1…1000") }
            let page = try store.versions(filter: ModelVersionFilter(asset: asset.map { AssetID($0) }, family: fam, stage: stg),
                                          query: PageQuery(limit: limit))
            print("id                          asset      family             stage       rmse        skill    beats  created")
            for m in page.items {
                let cols = [m.id.string, pad(m.asset.rawValue, 10), pad(m.family.rawValue, 18), pad(m.stage.rawValue, 11),
                            pad(String(format: "%.6g", m.metrics.rmse), 11), pad(String(format: "%+.4f", m.metrics.skill), 8),
                            pad(m.metrics.beatsBaseline ? "yes" : "no", 6), m.createdAt.rfc3339]
                print(cols.joined(separator: " "))
            }
        }

        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one model version as JSON.")
        @Argument(help: "The model id.") var id: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.bootstrapLogging()
            let store = try ServiceAssembly.openStore(global.databasePath, logger: Logger(label: "sentinel"))
            guard let ulid = ULID(id) else { throw ValidationError("'\(id)' is not a model id") }
            guard let m = try store.version(id: ulid) else { throw ValidationError("no model version \(id)") }
            var w = JSONWriter()
            w.modelVersion(m)
            print(String(decoding: w.bytes, as: UTF8.self))
        }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a version production (the previous one is archived).")
        @Argument(help: "The model id.") var id: String
        @Option(help: "Why, recorded in the production history.") var reason: String = "promoted from the command line"
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.bootstrapLogging()
            let store = try ServiceAssembly.openStore(global.databasePath, logger: Logger(label: "sentinel"))
            guard let ulid = ULID(id) else { throw ValidationError("'\(id)' is not a model id") }
            let clock = SystemWallClock()
            let registry = ModelRegistry(models: store, clock: clock, ids: ULIDGenerator(clock: clock))
            do {
                let change = try registry.promote(ulid, reason: .manual, detail: reason)
                print("production of \(change.asset): \(change.from?.string ?? "none") → \(change.to)")
            } catch let e as ModelRegistry.RegistryError {
                throw ValidationError(ModelRoutes.problem(e).detail)
            }
        }
    }

    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put the previous production version of an asset back.")
        @Option(name: .customLong("asset"), help: "The asset.") var asset: String
        @Option(help: "Why, recorded in the production history.") var reason: String = "rolled back from the command line"
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.bootstrapLogging()
            let store = try ServiceAssembly.openStore(global.databasePath, logger: Logger(label: "sentinel"))
            let clock = SystemWallClock()
            let registry = ModelRegistry(models: store, clock: clock, ids: ULIDGenerator(clock: clock))
            do {
                let change = try registry.rollback(asset: AssetID(asset), detail: reason)
                print("production of \(change.asset): \(change.from?.string ?? "none") → \(change.to)")
            } catch let e as ModelRegistry.RegistryError {
                throw ValidationError(ModelRoutes.problem(e).detail)
            }
        }
    }
}
