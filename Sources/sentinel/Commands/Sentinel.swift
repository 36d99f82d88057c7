import API
import ArgumentParser
import Domain
import Foundation
import HTTPServer
import Logging
import Storage

/// `sentinel`: the service and its one-shot commands.
@main
struct Sentinel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentinel",
        abstract: "A self-running crypto price-prediction service with a REST/JSON API.",
        version: SentinelVersion.current,
        subcommands: [Serve.self, Migrate.self, RunPipeline.self, Import.self, Backfill.self, Models.self, Routes.self, Simulate.self, Version.self])
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

/// `sentinel routes`: every route the server answers, one `METHOD /pattern` per line (the
/// contract test compares this with OpenAPI/openapi.yaml).
struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the HTTP routes the server answers.")

    func run() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-routes-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let global = try GlobalOptions.parse(["--db", dir.appendingPathComponent("routes.db").path])
        let app = try ServiceAssembly.make(global: global, sourceOptions: try SourceOptions.parse([]), clockMode: .oneShot,
                                           logger: Logger(label: "sentinel"))
        let routes = APIRoutes(app: app, workers: nil, scheduler: nil, startedAt: app.clock.now(),
                               keyring: APIKeyring(writeKeys: [], readKeys: []), metrics: [], draining: DrainFlag())
        for r in routes.router().routes { print("\(r.method) \(r.pattern)") }
    }
}
