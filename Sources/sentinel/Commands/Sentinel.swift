import ArgumentParser
import Logging
import Storage

/// `sentinel`: the service and its one-shot commands.
@main
struct Sentinel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentinel",
        abstract: "A self-running crypto price-prediction service with a REST/JSON API.",
        version: SentinelVersion.current,
        subcommands: [Serve.self, Migrate.self, RunPipeline.self, Import.self, Backfill.self, Models.self, Version.self])
}

/// The version this binary reports at `/v1` and `sentinel version`.
enum SentinelVersion {
    static let current = "0.1.0"
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() { print("sentinel \(SentinelVersion.current)") }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the store's schema (safe to run again).")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.bootstrapLogging()
        let store = try ServiceAssembly.openStore(global.databasePath, logger: .init(label: "sentinel"))
        let applied = try store.appliedMigrations()
        print("store \(global.databasePath): \(applied.count) migrations applied (\(applied.joined(separator: ", ")))")
    }
}
