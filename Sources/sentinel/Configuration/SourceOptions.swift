import ArgumentParser
import Domain
import Foundation
import HTTPClient
import Logging
import MarketData

/// Where prices come from: the bundled (or a user's) replay data on a virtual clock, or
/// CoinGecko. Each option falls back to a `SENTINEL_*` environment variable.
struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: "Market source: replay or coingecko (env SENTINEL_SOURCE; default replay).")
    var source: String?

    @Option(name: .long, help: "Replay speed: 60 = one market minute per second (env SENTINEL_REPLAY_SPEED; default 1).")
    var speed: Double?

    @Option(name: .long, help: "Replay start, RFC 3339 (env SENTINEL_REPLAY_START; default: 7 days into the data).")
    var replayStart: String?

    @Option(name: .long, help: "Replay this CSV (timestamp_ms,open,high,low,close,volume) instead of the bundled data; repeatable, one file per asset, asset id from the file name or ASSET=FILE.")
    var replayData: [String] = []

    @Option(name: .long, help: "CoinGecko base URL (env SENTINEL_COINGECKO_URL).")
    var coingeckoURL: String?

    @Option(name: .long, help: "CoinGecko plan: keyless, demo or pro (env SENTINEL_COINGECKO_PLAN; default keyless).")
    var coingeckoPlan: String?

    @Option(name: .long, help: "CoinGecko calls per minute, shared by every caller (env SENTINEL_COINGECKO_CALLS_PER_MINUTE; default 25).")
    var callsPerMinute: Int?

    enum Kind: String { case replay, coingecko }

    func kind() throws -> Kind {
        let text = source ?? Environment.string("SENTINEL_SOURCE") ?? "replay"
        guard let k = Kind(rawValue: text) else { throw ValidationError("--source must be replay or coingecko, not '\(text)'") }
        return k
    }

    /// The replay data set: the user's files, or the bundled bitcoin and ethereum history.
    func replayDataSet() throws -> ReplayDataSet {
        let files = replayData.isEmpty ? (Environment.list("SENTINEL_REPLAY_DATA") ?? []) : replayData
        if files.isEmpty { return try ReplayDataSet.bundled() }
        return try ReplayDataSet.load(files.map { spec in
            if let eq = spec.firstIndex(of: "="), !spec.hasPrefix("/") {
                return ReplayDataSet.File(path: String(spec[spec.index(after: eq)...]), asset: AssetID(String(spec[..<eq])))
            }
            return ReplayDataSet.File(path: spec)
        })
    }

    func replaySpeed() throws -> Double {
        let s = try speed ?? Environment.double("SENTINEL_REPLAY_SPEED") ?? 1
        guard s > 0, s <= 1_000_000 else { throw ValidationError("--speed must be in (0, 1000000], not \(s)") }
        return s
    }

    func replayStartTime() throws -> Timestamp? {
        guard let text = replayStart ?? Environment.string("SENTINEL_REPLAY_START") else { return nil }
        guard let t = Timestamp(parsing: text) else { throw ValidationError("--replay-start must be an RFC 3339 time, not '\(text)'") }
        return t
    }

    func coinGeckoConfiguration() throws -> CoinGeckoConfiguration {
        let url = coingeckoURL ?? Environment.string("SENTINEL_COINGECKO_URL")
        let planText = coingeckoPlan ?? Environment.string("SENTINEL_COINGECKO_PLAN") ?? "keyless"
        let key = Environment.string("SENTINEL_COINGECKO_KEY")
        let plan: CoinGeckoConfiguration.Plan
        switch planText {
        case "keyless": plan = .keyless
        case "demo", "pro":
            guard let key else { throw ValidationError("the \(planText) plan needs its key in SENTINEL_COINGECKO_KEY") }
            plan = planText == "demo" ? .demo(key: key) : .pro(key: key)
        default: throw ValidationError("--coingecko-plan must be keyless, demo or pro, not '\(planText)'")
        }
        let defaultURL = planText == "pro" ? "https://pro-api.coingecko.com/api/v3" : "https://api.coingecko.com/api/v3"
        let calls = try callsPerMinute ?? Environment.int("SENTINEL_COINGECKO_CALLS_PER_MINUTE") ?? 25
        guard (1...10_000).contains(calls) else { throw ValidationError("--calls-per-minute must be 1…10000") }
        return CoinGeckoConfiguration(baseURL: url ?? defaultURL, plan: plan, callsPerMinute: calls)
    }
}
