import API
import Domain
import Foundation
import HTTPServer
import Learning
import Logging
import MarketData
import Pipelines
import SentinelTesting
import Storage
import Testing

/// PredictionRoutes on a real in-process server over a store filled by the real pipelines:
/// one day of bundled bitcoin bars, a small trained model, 45 minutes of inference and
/// validation. Ethereum is configured but never predicted.
final class PredictionServer: Sendable {
    static let shared: Result<PredictionServer, any Error> = Result { try PredictionServer() }
    let store: SQLiteStore
    let server: HTTPServer
    let bitcoin = AssetID("bitcoin")

    private init() throws {
        store = try SQLiteStore.temporary()
        let data = try ReplayDataSet.bundled()
        let clock = ReplayClock.manual(start: data.defaultStart.floored(to: BarGrid.step))
        let ids = ULIDGenerator(clock: clock, seed: 9)
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let registry = ModelRegistry(models: store, clock: clock, ids: ids)
        var trainer = ModelTrainer()
        trainer.randomForest = RandomForest.Hyperparameters(treeCount: 4, maxDepth: 3)
        trainer.gradientBoosting = GradientBoosting.Hyperparameters(treeCount: 4, maxDepth: 3)
        trainer.xgboost.treeCount = 4; trainer.classifier.treeCount = 4
        let feature = FeaturePipeline(source: ReplaySource(data: data, clock: clock), prices: store, features: store,
                                      clock: clock, initialHistory: .days(3))
        let training = TrainingPipeline(features: store, registry: registry, clock: clock, ids: ids, trainer: trainer)
        let cache = ModelBundleCache(models: store, logger: quiet)
        let inference = InferencePipeline(features: store, predictions: store, models: store, cache: cache,
                                          latest: LatestPredictions(), clock: clock, ids: ids)
        let validation = ValidationPipeline(predictions: store, prices: store, clock: clock, latest: inference.latest)
        let store = self.store
        let bitcoin = self.bitcoin
        let context = { (kind: PipelineKind) in
            RunContext(run: Run(id: ids.next(), pipeline: kind, asset: nil, trigger: .api, requestedAt: clock.now()),
                       assets: [bitcoin], logger: quiet)
        }
        _ = try feature.run(context(.feature))
        _ = try training.run(context(.training))
        _ = try training.run(context(.training))  // a second version: a challenger predicting in shadow
        for _ in 0..<10 {
            _ = try feature.run(context(.feature))
            _ = try inference.run(context(.inference))
            _ = try validation.run(context(.validation))
            clock.advance(by: BarGrid.step)
        }
        var router = Router()
        // A fresh cache, warmed from the store at registration, as after a restart.
        PredictionRoutes(assets: AssetCatalog([AssetDescriptor.known(bitcoin), AssetDescriptor.known(AssetID("ethereum"))]),
                         predictions: store, prices: store, models: store, features: store, cache: cache,
                         latest: LatestPredictions(), clock: clock).register(on: &router)
        var config = ServerConfiguration(host: "127.0.0.1", port: 0)
        config.eventLoops = 1
        server = HTTPServer(configuration: config, router: router, logger: quiet)
        try server.start()
    }

    func get(_ target: String, headers: [(String, String)] = []) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: server.port)
        var head = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (n, v) in headers { head += "\(n): \(v)\r\n" }
        client.send(head + "\r\n")
        return try client.readResponse()
    }

    func json(_ target: String) throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(try get(target).body)) as? [String: Any]) ?? [:]
    }
}

@Suite(.serialized) struct PredictionRoutesTests {
    /// Built on a thread of its own (the pipelines block on async sources; see TwoDayReplayTests).
    func app() async throws -> PredictionServer {
        try await withCheckedThrowingContinuation { c in Thread { c.resume(with: PredictionServer.shared) }.start() }
    }

    @Test func latestComesFromMemoryWithFreshnessAndAnETag() async throws {
        let s = try await app()
        let r = try s.get("/v1/assets/bitcoin/predictions/latest")
        #expect(r.status == 200)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
        let stored = try #require(try s.store.latest(asset: s.bitcoin, shadow: false))
        #expect(body["id"] as? String == stored.id.string)
        #expect(body["shadow"] as? Bool == false)
        #expect((body["freshness"] as? [String: Any])?["stale"] != nil)
        let tag = try #require(r.headers.first { $0.0.lowercased() == "etag" }?.1)
        #expect(try s.get("/v1/assets/bitcoin/predictions/latest", headers: [("If-None-Match", tag)]).status == 304)
    }

    @Test func latestIsAProblem404BeforeAnyPrediction() async throws {
        #expect(try await app().get("/v1/assets/ethereum/predictions/latest").status == 404)
        #expect(try await app().get("/v1/assets/dogecoin/predictions/latest").status == 404)
    }

    @Test func historyListsTheChampionNewestFirstAndShadowOnRequest() async throws {
        let s = try await app()
        let items = try #require(try s.json("/v1/assets/bitcoin/predictions?limit=5")["items"] as? [[String: Any]])
        #expect(items.count == 5)
        #expect(items.allSatisfy { $0["shadow"] as? Bool == false })
        let times = items.compactMap { $0["bar_time"] as? String }
        #expect(times == times.sorted(by: >))
        let shadow = try #require(try s.json("/v1/assets/bitcoin/predictions?shadow=true")["items"] as? [[String: Any]])
        #expect(!shadow.isEmpty && shadow.allSatisfy { $0["shadow"] as? Bool == true })
        let validated = try #require(try s.json("/v1/assets/bitcoin/predictions?outcome=pending")["items"] as? [[String: Any]])
        #expect(validated.allSatisfy { ($0["validation"] as? [String: Any])?["status"] as? String == "pending" })
    }

    @Test func historyCursorWalksWithoutRepeats() async throws {
        let s = try await app()
        let first = try s.json("/v1/assets/bitcoin/predictions?limit=4&shadow=any")
        let cursor = try #require(first["next_cursor"] as? String)
        let second = try s.json("/v1/assets/bitcoin/predictions?limit=4&shadow=any&cursor=\(cursor)")
        let a = Set(((first["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
        let b = Set(((second["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
        #expect(a.count == 4 && b.count == 4 && a.isDisjoint(with: b))
    }

    @Test func badParametersAreProblems() async throws {
        let s = try await app()
        for target in ["/v1/assets/bitcoin/predictions?outcome=maybe", "/v1/assets/bitcoin/predictions?model=nope",
                       "/v1/assets/bitcoin/predictions?cursor=garbage", "/v1/assets/bitcoin/predictions?shadow=sometimes",
                       "/v1/assets/bitcoin/predictions?limit=0", "/v1/assets/bitcoin/accuracy?last=0", "/v1/predictions/not-a-ulid",
                       "/v1/predictions/not-a-ulid/replay"] {
            let r = try s.get(target)
            #expect(r.status == 400, "\(target)")
            #expect(r.headers.contains { $0.0.lowercased() == "content-type" && $0.1.contains("problem+json") }, "\(target)")
        }
        #expect(try s.get("/v1/assets/dogecoin/predictions").status == 404)
        #expect(try s.get("/v1/predictions/01JRQ7Z4X8M0B6AAAAAAAAAAAA").status == 404)
        #expect(try s.get("/v1/predictions/01JRQ7Z4X8M0B6AAAAAAAAAAAA/replay").status == 404)
    }

    @Test func onePredictionCarriesContributionsThatAddUp() async throws {
        let s = try await app()
        let p = try #require(try s.store.latest(asset: s.bitcoin, shadow: false))
        let body = try s.json("/v1/predictions/\(p.id)")
        let e = try #require(body["explanation"] as? [String: Any])
        #expect(e["additive"] as? Bool == true)
        let contributions = try #require(e["contributions"] as? [[String: Any]])
        #expect(contributions.count == FeatureSetVersion.v1.columns.count)
        let sum = contributions.compactMap { $0["contribution"] as? Double }.reduce(try #require(e["expected_value"] as? Double), +)
        #expect(abs(sum - p.predictedReturn) < 1e-9)
    }

    @Test func replayIsIdentical() async throws {
        let s = try await app()
        let p = try #require(try s.store.latest(asset: s.bitcoin, shadow: true))
        let body = try s.json("/v1/predictions/\(p.id)/replay")
        #expect(body["identical"] as? Bool == true)
        // JSONSerialization on Linux may misparse the last digit; the server compared bit patterns.
        #expect(abs(((body["recomputed"] as? [String: Any])?["predicted_return"] as? Double ?? 1) - p.predictedReturn) < 1e-15)
    }

    @Test func accuracyAndScorecardCountTheValidatedPredictions() async throws {
        let s = try await app()
        let validated = try s.store.validated(asset: s.bitcoin, modelID: nil, since: Timestamp(milliseconds: 0))
        let accuracy = try s.json("/v1/assets/bitcoin/accuracy?last=2")
        #expect((accuracy["overall"] as? [String: Any])?["count"] as? Int == validated.filter { !$0.shadow }.count)
        #expect(((accuracy["last"] as? [String: Any])?["count"] as? Int ?? 0) <= 2)
        let card = try s.json("/v1/assets/bitcoin/scorecard")
        let models = try #require(card["models"] as? [[String: Any]])
        #expect(models.first?["role"] as? String == "champion")
        let total = models.compactMap { (($0["windows"] as? [String: Any])?["all"] as? [String: Any])?["count"] as? Int }.reduce(0, +)
        #expect(total == validated.count)
        #expect(try s.get("/v1/assets/dogecoin/scorecard").status == 404)
    }
}
