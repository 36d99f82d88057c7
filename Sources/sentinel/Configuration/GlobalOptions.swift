import ArgumentParser
import Foundation
import HTTPServer
import Logging

/// Options every command shares: the store and logging. Each falls back to a
/// `SENTINEL_*` environment variable, then to the embedded default.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (env SENTINEL_DB).")
    var db: String?

    @Option(name: .long, help: "Log format: kv (key=value) or json (env SENTINEL_LOG_FORMAT).")
    var logFormat: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical (env SENTINEL_LOG_LEVEL).")
    var logLevel: String?

    @Option(name: .customLong("assets"), help: "Assets to serve, by CoinGecko id, comma-separated (env SENTINEL_ASSETS; default bitcoin,ethereum, or every asset of the replay data).")
    var assetList: String?

    var assets: [String] { assetList.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? [] }

    var databasePath: String { db ?? Environment.string("SENTINEL_DB") ?? "./sentinel.db" }

    func resolvedAssets() throws -> [String] {
        let list = !assets.isEmpty ? assets : (Environment.list("SENTINEL_ASSETS") ?? ["bitcoin", "ethereum"])
        for a in list where !a.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 }) || a.isEmpty {
            throw ValidationError("asset '\(a)' is not a CoinGecko id (lower-case letters, digits, '-')")
        }
        return list
    }

    /// Installs the line handler; returns the format so `serve` can give its access log the same.
    @discardableResult
    func bootstrapLogging() throws -> LogFormat {
        let formatText = logFormat ?? Environment.string("SENTINEL_LOG_FORMAT") ?? "kv"
        guard let format = LogFormat(rawValue: formatText) else {
            throw ValidationError("--log-format must be kv or json, not '\(formatText)'")
        }
        let levelText = logLevel ?? Environment.string("SENTINEL_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: format, level: level) }
        return format
    }
}

/// Reads `SENTINEL_*` settings from the process environment.
enum Environment {
    static func string(_ name: String) -> String? {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { return nil }
        return v
    }

    static func list(_ name: String) -> [String]? {
        string(name).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    static func int(_ name: String) throws -> Int? {
        guard let s = string(name) else { return nil }
        guard let v = Int(s) else { throw ValidationError("\(name) must be an integer, not '\(s)'") }
        return v
    }

    static func double(_ name: String) throws -> Double? {
        guard let s = string(name) else { return nil }
        guard let v = Double(s), v.isFinite else { throw ValidationError("\(name) must be a number, not '\(s)'") }
        return v
    }

    static func flag(_ name: String) -> Bool {
        guard let s = string(name)?.lowercased() else { return false }
        return ["1", "true", "yes", "on"].contains(s)
    }
}
