public import HTTPServer
import Domain
import Foundation

/// What `/readyz` checks, each with a reason when it fails.
public struct ReadinessCheck: Sendable {
    public var name: String
    /// Failing a critical check makes the instance unready (503): the store, draining.
    /// A non-critical one (data freshness, model loaded) only degrades it.
    public var critical: Bool
    public var probe: @Sendable () -> String?
    public init(name: String, critical: Bool, probe: @escaping @Sendable () -> String?) {
        self.name = name; self.critical = critical; self.probe = probe
    }
}

/// The service-level routes: liveness, readiness, Prometheus metrics, the contract, `/v1`.
public struct SystemRoutes: Sendable {
    public var checks: [ReadinessCheck]
    /// Prometheus text sections, concatenated in order.
    public var metrics: [@Sendable () -> String]
    /// The body of `GET /v1`, rendered per request (used when there is no ``document``).
    public var info: @Sendable () -> [UInt8]
    /// `GET /v1` encoded once: constant but for the clock's time (preferred over ``info``).
    public var document: TimestampedDocument?

    public init(checks: [ReadinessCheck], metrics: [@Sendable () -> String], info: @escaping @Sendable () -> [UInt8]) {
        self.checks = checks; self.metrics = metrics; self.info = info
    }

    public init(checks: [ReadinessCheck], metrics: [@Sendable () -> String], document: TimestampedDocument) {
        self.checks = checks; self.metrics = metrics; self.document = document
        info = { [] }
    }

    /// The OpenAPI contract bundled with the API module (the same bytes as OpenAPI/openapi.yaml).
    public static func contractBytes() -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let data = try? Data(contentsOf: url) else { return [] }
        return [UInt8](data)
    }

    public func register(on router: inout Router) {
        router.get("/healthz", options: .inline) { _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
                         body: .bytes(Array(#"{"status":"ok"}"#.utf8)))
        }

        let checks = self.checks
        router.get("/readyz") { _ in
            var w = JSONWriter()
            var unready = false, degraded = false
            w.beginObject()
            w.key("checks"); w.beginArray()
            for c in checks {
                let failure = c.probe()
                if failure != nil { if c.critical { unready = true } else { degraded = true } }
                w.beginObject()
                w.field("name", c.name)
                w.field("ok", failure == nil)
                w.field("critical", c.critical)
                w.field("reason", failure)
                w.endObject()
            }
            w.endArray()
            w.field("status", unready ? "unready" : (degraded ? "degraded" : "ready"))
            w.endObject()
            return HTTPResponse(status: unready ? 503 : 200,
                                headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
                                body: .bytes(w.bytes))
        }

        let metrics = self.metrics
        router.get("/metrics") { _ in
            var text = ""
            for section in metrics { text += section() }
            return .text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }

        let contract = Self.contractBytes()
        router.get("/openapi.yaml", options: .inline) { request in
            var r = ConditionalGET.respond(request, json: contract, cacheControl: "max-age=300")
            if r.status == 200 { r.headers.set("Content-Type", "application/yaml") }
            return r
        }

        if let document {
            router.get("/v1", options: .inline) { request in document.respond(request) }
        } else {
            let info = self.info
            router.get("/v1", options: .inline) { request in ConditionalGET.respond(request, json: info()) }
        }
    }
}
