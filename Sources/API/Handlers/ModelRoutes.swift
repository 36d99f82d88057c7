public import HTTPServer
public import Domain
public import Pipelines
import Foundation

/// The model registry: versions, the history of production, promotion and rollback.
public struct ModelRoutes: Sendable {
    public var models: any ModelStore
    public var registry: ModelRegistry
    public var assets: AssetCatalog
    public var keyring: APIKeyring
    public var clock: any WallClock

    public init(models: any ModelStore, registry: ModelRegistry, assets: AssetCatalog, keyring: APIKeyring, clock: any WallClock) {
        self.models = models; self.registry = registry; self.assets = assets; self.keyring = keyring; self.clock = clock
    }

    public func register(on router: inout Router) {
        let r = self
        router.get("/v1/models") { req in try r.list(req) }
        router.get("/v1/models/history") { req in try r.history(req) }
        router.get("/v1/models/{id}") { req in try r.show(req) }
        router.post("/v1/models/{id}/promote", options: RouteOptions(bodyLimit: 16 * 1024)) { req in try r.promote(req) }
        router.post("/v1/assets/{asset}/models/rollback", options: RouteOptions(bodyLimit: 16 * 1024)) { req in try r.rollback(req) }
    }

    func list(_ request: HTTPRequest) throws -> HTTPResponse {
        let codec = CursorCodec(scope: "models")
        let query = try request.pageQuery(codec)
        let filter = ModelVersionFilter(
            asset: try request.query.parse("asset", { s in assets.descriptor(AssetID(s))?.id }, expected: "a configured asset"),
            family: try request.query.parse("family", { ModelFamily(rawValue: $0) },
                                            expected: ModelFamily.allCases.map(\.rawValue).joined(separator: ", ")),
            stage: try request.query.parse("stage", { ModelStage(rawValue: $0) }, expected: "candidate, challenger, production or archived"))
        let page = try models.versions(filter: filter, query: query)
        var w = JSONWriter(capacity: 2048 * page.items.count + 128)
        w.page(nextCursor: codec.encode(page.nextCursor), asOf: clock.now()) { w in
            for m in page.items { w.modelVersion(m) }
        }
        return ConditionalGET.respond(request, w)
    }

    func show(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = try request.ulidParameter(of: "model")
        guard let m = try models.version(id: id) else { throw APIProblem.notFound(resource: "model version", id: id.string) }
        var w = JSONWriter(capacity: 4096)
        w.modelVersion(m)
        return ConditionalGET.respond(request, w)
    }

    func history(_ request: HTTPRequest) throws -> HTTPResponse {
        let codec = CursorCodec(scope: "model-history")
        let query = try request.pageQuery(codec)
        let asset = try request.query.parse("asset", { s in assets.descriptor(AssetID(s))?.id }, expected: "a configured asset")
        let page = try models.history(asset: asset, query: query)
        var w = JSONWriter(capacity: 256 * page.items.count + 128)
        w.page(nextCursor: codec.encode(page.nextCursor), asOf: clock.now()) { w in
            for c in page.items { w.productionChange(c) }
        }
        return ConditionalGET.respond(request, w)
    }

    func promote(_ request: HTTPRequest) throws -> HTTPResponse {
        if let rejection = keyring.rejectWrite(request) { return rejection }
        let id = try request.ulidParameter(of: "model")
        let reason = try Self.reason(request)
        do {
            try registry.promote(id, reason: .manual, detail: reason ?? "promoted over the API")
        } catch let e as ModelRegistry.RegistryError {
            throw Self.problem(e)
        }
        return try answerProduction(id)
    }

    func rollback(_ request: HTTPRequest) throws -> HTTPResponse {
        if let rejection = keyring.rejectWrite(request) { return rejection }
        let asset = try request.asset(in: assets)
        let reason = try Self.reason(request)
        let change: ProductionChange
        do {
            change = try registry.rollback(asset: asset.id, detail: reason ?? "rolled back over the API")
        } catch let e as ModelRegistry.RegistryError {
            throw Self.problem(e)
        }
        return try answerProduction(change.to)
    }

    private func answerProduction(_ id: ULID) throws -> HTTPResponse {
        guard let m = try models.version(id: id) else { throw APIProblem.notFound(resource: "model version", id: id.string) }
        var w = JSONWriter(capacity: 4096)
        w.modelVersion(m)
        return .json(w.bytes)
    }

    public static func problem(_ e: ModelRegistry.RegistryError) -> APIProblem {
        switch e {
        case .unknownModel(let id): return .notFound(resource: "model version", id: id.string)
        case .notPromotable(let id, let why): return .conflict("Model \(id) cannot become production: \(why).")
        case .nothingToRollBack(let a): return .conflict("Asset \(a) has no previous production version to roll back to.")
        }
    }

    /// The optional `{"reason": "..."}` body of promote and rollback.
    static func reason(_ request: HTTPRequest) throws -> String? {
        let fields = try request.jsonObjectBody(allowed: ["reason"], example: #"{"reason":"..."}"#)
        guard let value = fields?["reason"], !(value is NSNull) else { return nil }
        guard let s = value as? String, s.utf8.count <= 500 else {
            throw APIProblem.invalidBody(field: "reason", reason: "must be a string of at most 500 bytes")
        }
        return s
    }
}

extension JSONWriter {
    public mutating func productionChange(_ c: ProductionChange) {
        beginObject()
        field("id", c.id.string)
        field("asset", c.asset.rawValue)
        field("from", c.from?.string)
        field("to", c.to.string)
        field("at", c.at)
        field("reason", c.reason.rawValue)
        field("detail", c.detail)
        endObject()
    }
}
