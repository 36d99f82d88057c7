import SentinelTesting
import Foundation
import Synchronization

/// An offline CoinGecko v3 for tests: serves the fixtures under `/api/v3`, answers unknown
/// coins as CoinGecko does (404 `coin not found`, or `{}` on `/simple/price`), and can be
/// scripted to misbehave on the next requests, one behaviour per request.
final class MockCoinGecko: Sendable {
    enum Behaviour: Sendable {
        case normal
        case rateLimitedWithRetryAfter(seconds: Int)
        case rateLimitedWithResetHeader(resetEpochSeconds: Int64)
        case rateLimitedBare
        case serverError
        case neverAnswer
        case truncatedBody
        case notJSON
        case nanInJSON
    }

    /// The fixtures' "now": 2025-04-15T04:00:00Z.
    static let nowMilliseconds: Int64 = 1_744_689_600_000

    /// What the server thread and the test share.
    private final class Shared: Sendable {
        let script = Mutex<[Behaviour]>([])
        let seen = Mutex<[LoopbackServer.Request]>([])
    }

    private let server: LoopbackServer
    private let shared = Shared()

    var baseURL: String { server.baseURL + "/api/v3" }
    var requestCount: Int { server.requestCount }
    var requests: [LoopbackServer.Request] { shared.seen.withLock { $0 } }

    /// `rebasedTo`: move every timestamp of the fixtures by whole 5-minute steps so their
    /// "now" falls on this instant (milliseconds) — for tests against a real wall clock.
    init(rebasedTo now: Int64? = nil) throws {
        let loaded = try Self.loadFixtures()
        let fixtures = try now.map { try Self.shifted(loaded, by: ($0 - Self.nowMilliseconds) / 300_000 * 300_000) } ?? loaded
        let shared = self.shared
        server = try LoopbackServer { request in
            shared.seen.withLock { $0.append(request) }
            let behaviour = shared.script.withLock { $0.isEmpty ? Behaviour.normal : $0.removeFirst() }
            return Self.reply(to: request, behaviour: behaviour, fixtures: fixtures)
        }
    }

    /// The next requests get these behaviours in order; after that, normal service.
    func script(_ behaviours: Behaviour...) { shared.script.withLock { $0 += behaviours } }

    /// Every following request gets `behaviour` (e.g. an outage), until `script` is reset.
    func scriptForever(_ behaviour: Behaviour, count: Int = 1000) {
        shared.script.withLock { $0 = Array(repeating: behaviour, count: count) }
    }

    func resetScript() { shared.script.withLock { $0 = [] } }

    func stop() { server.stop() }

    private static func shifted(_ fixtures: [String: [UInt8]], by shift: Int64) throws -> [String: [UInt8]] {
        var out = fixtures
        func move(_ data: [UInt8]?, _ edit: (inout [String: Any]) -> Void) throws -> [UInt8]? {
            guard let data, var object = try JSONSerialization.jsonObject(with: Data(data)) as? [String: Any] else { return data }
            edit(&object)
            return [UInt8](try JSONSerialization.data(withJSONObject: object))
        }
        func rows(_ value: Any?) -> [[Double]] { (value as? [[Any]] ?? []).map { $0.compactMap { ($0 as? NSNumber)?.doubleValue } } }
        out["market_chart_bitcoin_1d"] = try move(fixtures["market_chart_bitcoin_1d"]) { o in
            for key in ["prices", "market_caps", "total_volumes"] {
                o[key] = rows(o[key]).map { r in [Double(Int64(r[0]) + shift)] + r.dropFirst() }
            }
        }
        if let data = fixtures["ohlc_bitcoin_1d"], let array = try JSONSerialization.jsonObject(with: Data(data)) as? [[Any]] {
            let moved = rows(array).map { r in [Double(Int64(r[0]) + shift)] + r.dropFirst() }
            out["ohlc_bitcoin_1d"] = [UInt8](try JSONSerialization.data(withJSONObject: moved))
        }
        out["simple_price_bitcoin"] = try move(fixtures["simple_price_bitcoin"]) { o in
            if var coin = o["bitcoin"] as? [String: Any], let t = (coin["last_updated_at"] as? NSNumber)?.int64Value {
                coin["last_updated_at"] = t + shift / 1000
                o["bitcoin"] = coin
            }
        }
        return out
    }

    private static func loadFixtures() throws -> [String: [UInt8]] {
        guard let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent("coingecko") else {
            throw POSIXError(.ENOENT)
        }
        var out: [String: [UInt8]] = [:]
        for name in ["ping", "simple_price_bitcoin", "market_chart_bitcoin_1d", "ohlc_bitcoin_1d", "error_429",
                     "error_404_coin", "error_400_invalid_vs_currency"] {
            out[name] = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name + ".json")))
        }
        return out
    }

    private static func json(_ status: Int, _ body: [UInt8], _ extra: [(String, String)] = []) -> LoopbackServer.Reply {
        .respond(status: status, headers: [("Content-Type", "application/json")] + extra, body: body)
    }

    private static func reply(to request: LoopbackServer.Request, behaviour: Behaviour,
                              fixtures: [String: [UInt8]]) -> LoopbackServer.Reply {
        let rateLimited = fixtures["error_429"] ?? []
        switch behaviour {
        case .normal: break
        case .rateLimitedWithRetryAfter(let s): return json(429, rateLimited, [("retry-after", "\(s)")])
        case .rateLimitedWithResetHeader(let reset):
            return json(429, rateLimited, [("x-ratelimit-limit", "30"), ("x-ratelimit-remaining", "0"),
                                           ("x-ratelimit-reset", "\(reset)")])
        case .rateLimitedBare: return json(429, rateLimited)
        case .serverError: return .respond(status: 500, headers: [("Content-Type", "text/html")], body: Array("<html>oops</html>".utf8))
        case .neverAnswer: return .hold
        case .truncatedBody:
            let body = fixtures["simple_price_bitcoin"] ?? []
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            return .raw(Array(head.utf8) + body.prefix(body.count / 2))
        case .notJSON: return .respond(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html>Just a moment...</html>".utf8))
        case .nanInJSON: return json(200, Array(#"{"bitcoin":{"usd":NaN,"usd_24h_change":1.0}}"#.utf8))
        }
        return normalReply(to: request, fixtures: fixtures)
    }

    private static func normalReply(to request: LoopbackServer.Request, fixtures: [String: [UInt8]]) -> LoopbackServer.Reply {
        let notFound = json(404, fixtures["error_404_coin"] ?? [])
        let path = request.path
        guard path.hasPrefix("/api/v3/") else { return notFound }
        let route = path.dropFirst("/api/v3/".count).split(separator: "/").map(String.init)
        switch route.first {
        case "ping"?:
            return json(200, fixtures["ping"] ?? [])
        case "simple"? where route.count == 2 && route[1] == "price":
            let ids = (request.query["ids"] ?? "").split(separator: ",").map(String.init)
            return json(200, ids.contains("bitcoin") ? fixtures["simple_price_bitcoin"] ?? [] : Array("{}".utf8))
        case "coins"? where route.count == 3:
            guard route[1] == "bitcoin" else { return notFound }
            guard request.query["vs_currency"] == "usd" else { return json(400, fixtures["error_400_invalid_vs_currency"] ?? []) }
            guard request.query["days"] == "1" else { return notFound }
            switch route[2] {
            case "market_chart": return json(200, fixtures["market_chart_bitcoin_1d"] ?? [])
            case "ohlc": return json(200, fixtures["ohlc_bitcoin_1d"] ?? [])
            default: return notFound
            }
        default:
            return notFound
        }
    }
}
