public import HTTPServer
public import Domain
public import Jobs
import Foundation

/// Pipeline triggers and the run queue: `POST /v1/pipelines/{pipeline}/runs`, runs, cancel,
/// pipeline and scheduler status.
public struct RunRoutes: Sendable {
    public var queue: RunQueue
    public var scheduler: Scheduler?
    public var workers: WorkerPool?
    public var assets: AssetCatalog
    public var keyring: APIKeyring
    public var limiter: TriggerRateLimiter
    public var clock: any WallClock

    /// Pipelines that can be triggered over the API.
    public static let triggerable: [PipelineKind] = [.feature, .training, .inference, .validation, .drift]

    public init(queue: RunQueue, scheduler: Scheduler?, workers: WorkerPool?, assets: AssetCatalog,
                keyring: APIKeyring, limiter: TriggerRateLimiter, clock: any WallClock) {
        self.queue = queue; self.scheduler = scheduler; self.workers = workers; self.assets = assets
        self.keyring = keyring; self.limiter = limiter; self.clock = clock
    }

    public func register(on router: inout Router) {
        let r = self
        router.post("/v1/pipelines/{pipeline}/runs", options: RouteOptions(bodyLimit: 64 * 1024)) { req in try r.trigger(req) }
        router.get("/v1/runs") { req in try r.list(req) }
        router.get("/v1/runs/{id}") { req in try r.show(req) }
        router.post("/v1/runs/{id}/cancel", options: RouteOptions(bodyLimit: 1024)) { req in try r.cancel(req) }
        router.get("/v1/pipelines") { req in r.pipelines(req) }
        router.get("/v1/scheduler") { req in try r.schedulerStatus(req) }
    }

    func trigger(_ request: HTTPRequest) throws -> HTTPResponse {
        if let rejection = keyring.rejectWrite(request) { return rejection }
        let name = try request.pathParameter("pipeline")
        guard let pipeline = PipelineKind(rawValue: name), Self.triggerable.contains(pipeline) else {
            throw ParameterError(name: "pipeline", reason: "must be one of \(Self.triggerable.map(\.rawValue).joined(separator: ", "))", location: "path")
        }
        let asset = try Self.assetFromBody(request, assets: assets)
        let key = request.headers["Idempotency-Key"]
        if let key, key.isEmpty || key.utf8.count > 255 {
            throw ParameterError(name: "Idempotency-Key", reason: "must be 1 to 255 characters", location: "header")
        }
        if let wait = limiter.acquire(client: request.remoteAddress) {
            return APIProblem.rateLimited(retryAfterSeconds: wait).response(request, headers: [("Retry-After", "\(wait)")])
        }
        let result = try queue.trigger(pipeline, asset: asset, trigger: .api, reason: "requested over the API",
                                       idempotencyKey: key, requestBody: request.body)
        if case .sameIdempotencyKey(let same) = result.disposition, !same {
            throw APIProblem.idempotencyKeyReused
        }
        var w = JSONWriter()
        w.run(result.run)
        var response = HTTPResponse.json(w.bytes, status: 202)
        response.headers.set("Location", "/v1/runs/\(result.run.id)")
        return response
    }

    /// The optional `{"asset": "<id>"}` body; empty means every asset.
    static func assetFromBody(_ request: HTTPRequest, assets: AssetCatalog) throws -> AssetID? {
        let object = try request.jsonObjectBody(allowed: ["asset"], example: #"{"asset":"bitcoin"}"#)
        guard let raw = object?["asset"], !(raw is NSNull) else { return nil }
        guard let text = raw as? String else { throw APIProblem.invalidBody(field: "asset", reason: "must be a string") }
        let id = AssetID(text)
        guard assets.descriptor(id) != nil else {
            throw APIProblem.invalidBody(field: "asset", reason: "is not a configured asset (\(assets.ids.map(\.rawValue).joined(separator: ", ")))")
        }
        return id
    }

    func list(_ request: HTTPRequest) throws -> HTTPResponse {
        let codec = CursorCodec(scope: "runs")
        let query = try request.pageQuery(codec)
        let filter = RunFilter(
            pipeline: try request.query.parse("pipeline", { PipelineKind(rawValue: $0) }, expected: "a pipeline name"),
            status: try request.query.parse("status", { RunStatus(rawValue: $0) }, expected: "queued, running, succeeded, failed or cancelled"),
            asset: try request.query.parse("asset", { s in assets.descriptor(AssetID(s)).map { $0.id } }, expected: "a configured asset"),
            trigger: try request.query.parse("trigger", { RunTrigger(rawValue: $0) }, expected: "schedule, api, cli, drift or promotion"))
        let page = try queue.store.runs(filter: filter, query: query)
        var w = JSONWriter(capacity: 400 * page.items.count + 128)
        w.page(nextCursor: codec.encode(page.nextCursor), asOf: clock.now()) { w in
            for r in page.items { w.run(r) }
        }
        return ConditionalGET.respond(request, w)
    }


    func show(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = try request.ulidParameter(of: "run")
        guard let run = try queue.store.run(id: id) else { throw APIProblem.notFound(resource: "run", id: id.string) }
        var w = JSONWriter()
        w.run(run)
        return ConditionalGET.respond(request, w)
    }

    func cancel(_ request: HTTPRequest) throws -> HTTPResponse {
        if let rejection = keyring.rejectWrite(request) { return rejection }
        let id = try request.ulidParameter(of: "run")
        guard let run = try queue.cancel(id: id) else { throw APIProblem.notFound(resource: "run", id: id.string) }
        if run.status != .cancelled && run.status != .running {
            throw APIProblem.conflict("Run \(id) already \(run.status.rawValue); only queued or running runs can be cancelled.")
        }
        var w = JSONWriter()
        w.run(run)
        return .json(w.bytes, status: run.status == .cancelled ? 200 : 202)
    }

    func pipelines(_ request: HTTPRequest) -> HTTPResponse {
        var w = JSONWriter(capacity: 2048)
        w.beginObject()
        w.key("items"); w.beginArray()
        for s in scheduler?.status() ?? [] {
            w.beginObject()
            w.field("pipeline", s.pipeline.rawValue)
            switch s.schedule {
            case .every(let ms)?: w.field("interval_seconds", Int(ms.value / 1000)); w.field("after", nil as String?)
            case .after(let p)?: w.field("interval_seconds", nil as Int?); w.field("after", p.rawValue)
            case nil: w.field("interval_seconds", nil as Int?); w.field("after", nil as String?)
            }
            w.field("next_due", s.nextDue)
            w.key("last_run"); if let r = s.lastRun { w.run(r) } else { w.null() }
            w.field("last_success", s.lastSuccess?.finishedAt)
            w.field("consecutive_failures", s.consecutiveFailures)
            w.field("running_now", s.runningNow)
            w.endObject()
        }
        w.endArray()
        w.field("as_of", clock.now())
        w.endObject()
        return ConditionalGET.respond(request, w)
    }

    func schedulerStatus(_ request: HTTPRequest) throws -> HTTPResponse {
        let depth = try queue.store.queueDepth()
        let oldest = try queue.store.runs(filter: RunFilter(status: .queued), query: PageQuery(limit: 1000)).items.last
        let now = clock.now()
        var w = JSONWriter()
        w.beginObject()
        w.field("running", scheduler?.isRunning ?? false)
        w.field("workers_total", workers?.workerCount ?? 0)
        w.field("workers_busy", workers?.busyWorkers ?? 0)
        w.field("queue_depth", depth)
        w.field("lag_seconds", oldest.map { Double(now.milliseconds - $0.requestedAt.milliseconds) / 1000 } ?? 0)
        w.field("as_of", now)
        w.endObject()
        return ConditionalGET.respond(request, w)
    }
}
