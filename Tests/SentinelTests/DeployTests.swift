import Foundation
import Testing
import Yams

/// Deploy/ cannot run here (no Docker, no cluster); every file must at least parse and say
/// what the service needs: probes, ports, the API-key secret, the external cron, a non-root user.
@Suite struct DeployTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Deploy")

    func text(_ path: String) throws -> String {
        try String(contentsOf: Self.deploy.appendingPathComponent(path), encoding: .utf8)
    }

    func yaml(_ path: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: try text(path)) as? [String: Any], "\(path) is not a YAML mapping")
    }

    /// Follows a path of keys and indexes through parsed YAML.
    func dig(_ root: Any?, _ path: Any...) -> Any? {
        var node = root
        for step in path {
            if let key = step as? String { node = (node as? [String: Any])?[key] }
            else if let i = step as? Int { node = (node as? [Any]).flatMap { $0.indices.contains(i) ? $0[i] : nil } }
        }
        return node
    }

    @Test func everyYAMLFileParses() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.deploy.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
        #expect(files.count >= 7)
        for f in files { _ = try yaml(f) }
    }

    @Test func theDeploymentProbesHealthzAndReadyzOnItsHTTPPort() throws {
        let d = try yaml("k8s/deployment.yaml")
        #expect(d["kind"] as? String == "Deployment")
        let container = dig(d, "spec", "template", "spec", "containers", 0)
        #expect(dig(container, "livenessProbe", "httpGet", "path") as? String == "/healthz")
        #expect(dig(container, "readinessProbe", "httpGet", "path") as? String == "/readyz")
        #expect(dig(container, "livenessProbe", "httpGet", "port") as? String == "http")
        #expect(dig(container, "ports", 0, "containerPort") as? Int == 8080)
        #expect(dig(container, "envFrom", 0, "secretRef", "name") as? String == "sentinel-api-keys")
        #expect(dig(container, "volumeMounts", 0, "mountPath") as? String == "/var/lib/sentinel")
        #expect(dig(d, "spec", "template", "spec", "securityContext", "runAsNonRoot") as? Bool == true)
        #expect(dig(d, "spec", "strategy", "type") as? String == "Recreate")
    }

    @Test func theServiceTheSecretAndTheClaimMatchTheDeployment() throws {
        let service = try yaml("k8s/service.yaml")
        #expect(dig(service, "spec", "ports", 0, "targetPort") as? String == "http")
        #expect(dig(service, "spec", "selector", "app.kubernetes.io/name") as? String == "sentinel")
        let secret = try yaml("k8s/secret.yaml")
        #expect(secret["kind"] as? String == "Secret")
        #expect(dig(secret, "metadata", "name") as? String == "sentinel-api-keys")
        #expect(dig(secret, "stringData", "SENTINEL_API_KEYS") != nil)
        let pvc = try yaml("k8s/pvc.yaml")
        #expect(pvc["kind"] as? String == "PersistentVolumeClaim")
        #expect(dig(pvc, "metadata", "name") as? String == "sentinel-data")
        let deployment = try yaml("k8s/deployment.yaml")
        #expect(dig(deployment, "spec", "template", "spec", "volumes", 0, "persistentVolumeClaim", "claimName") as? String == "sentinel-data")
    }

    @Test func theCronJobRunsTrainingEveryThirtyMinutesOnTheSameStore() throws {
        let cron = try yaml("k8s/cronjob.yaml")
        #expect(cron["kind"] as? String == "CronJob")
        #expect(dig(cron, "spec", "schedule") as? String == "*/30 * * * *")
        #expect(dig(cron, "spec", "concurrencyPolicy") as? String == "Forbid")
        let pod = dig(cron, "spec", "jobTemplate", "spec", "template", "spec")
        #expect(dig(pod, "containers", 0, "args") as? [String] == ["run", "training"])
        #expect(dig(pod, "volumes", 0, "persistentVolumeClaim", "claimName") as? String == "sentinel-data")
    }

    @Test func composeRunsSentinelWithAVolumeAndRequiresKeys() throws {
        let compose = try yaml("docker-compose.yml")
        let service = dig(compose, "services", "sentinel")
        #expect(dig(service, "volumes", 0) as? String == "sentinel-data:/var/lib/sentinel")
        #expect(dig(service, "ports", 0) as? String == "8080:8080")
        #expect((dig(service, "environment", "SENTINEL_API_KEYS") as? String)?.contains(":?") == true)
        #expect(dig(compose, "volumes", "sentinel-data") != nil)
        #expect((dig(service, "healthcheck", "test") as? [String])?.contains { $0.hasSuffix("/healthz") } == true)
    }

    @Test func theWorkflowRunsThePipelinesOnACron() throws {
        let workflow = try yaml("github-actions/pipelines.yml")
        // YAML 1.1 reads the key `on` as true.
        let triggers = (workflow["on"] ?? workflow["true"]) as? [String: Any]
        #expect(dig(triggers, "schedule", 0, "cron") as? String == "*/30 * * * *")
        #expect(triggers?["workflow_dispatch"] != nil)
        let steps = dig(workflow, "jobs", "pipelines", "steps") as? [[String: Any]] ?? []
        #expect(steps.contains { ($0["run"] as? String)?.contains("sentinel run") == true })
    }

    @Test func theDockerfileBuildsOnSwiftAndRunsOnSlimDebianAsANonRootUser() throws {
        let d = try text("Dockerfile")
        let froms = d.split(separator: "\n").filter { $0.hasPrefix("FROM ") }
        #expect(froms.count == 2)
        #expect(froms.first?.contains("${SWIFT_IMAGE} AS build") == true)
        #expect(d.contains("ARG SWIFT_IMAGE=swift:6."))
        #expect(froms.last?.contains("debian:bookworm-slim") == true)
        for lib in ["libcurl4", "libsqlite3-0", "libssl3"] { #expect(d.contains(lib), "runtime lacks \(lib)") }
        #expect(d.contains("COPY --from=build"))
        #expect(d.contains("USER sentinel"))
        #expect(d.contains("HEALTHCHECK") && d.contains("/healthz"))
        #expect(d.contains("VOLUME [\"/var/lib/sentinel\"]"))
        #expect(d.contains("*.resources"), "the resource bundles (replay data, contract) must ship beside the binary")
    }

    @Test func theSystemdUnitServesAsItsOwnUserAndRestartsOnFailure() throws {
        let unit = try text("systemd/sentinel.service")
        for line in ["ExecStart=/opt/sentinel/sentinel serve", "User=sentinel", "Restart=on-failure",
                     "KillSignal=SIGTERM", "StateDirectory=sentinel", "WantedBy=multi-user.target"] {
            #expect(unit.contains(line), "missing \(line)")
        }
    }
}
