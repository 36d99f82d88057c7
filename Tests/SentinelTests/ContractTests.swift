import Foundation
import OpenAPIKit
import SentinelTesting
import Testing
import Yams

/// The router and OpenAPI/openapi.yaml must describe the same API.
@Suite struct ContractTests {
    static let contractPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("OpenAPI/openapi.yaml").path

    static func routerRoutes() throws -> Set<String> {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: SentinelProcess.binaryPath)
        p.arguments = ["routes"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    static func contractRoutes() throws -> Set<String> {
        let text = try String(contentsOfFile: contractPath, encoding: .utf8)
        guard let root = try Yams.load(yaml: text) as? [String: Any], let paths = root["paths"] as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var routes = Set<String>()
        for (path, item) in paths {
            for method in ["get", "post", "put", "delete", "patch"] where (item as? [String: Any])?[method] != nil {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    @Test func everyRouteOfTheRouterIsInTheContract() throws {
        let missing = try Self.routerRoutes().subtracting(Self.contractRoutes())
        #expect(missing.isEmpty, "routes served but not in OpenAPI/openapi.yaml: \(missing.sorted())")
    }

    @Test func everyPathOfTheContractIsServed() throws {
        let router = try Self.routerRoutes()
        #expect(!router.isEmpty)
        let extra = try Self.contractRoutes().subtracting(router)
        #expect(extra.isEmpty, "in OpenAPI/openapi.yaml but not served: \(extra.sorted())")
    }

    @Test func theContractIsAValidOpenAPI31Document() throws {
        let text = try String(contentsOfFile: Self.contractPath, encoding: .utf8)
        let document = try YAMLDecoder().decode(OpenAPI.Document.self, from: text)
        #expect(document.openAPIVersion == .v3_1_0)
        try document.validate()
        #expect(document.paths.count >= 20)
    }

    @Test func theServerServesTheContractFileByteForByte() throws {
        let server = try SentinelProcess(arguments: ["--no-scheduler"])
        let response = try server.request("GET", "/openapi.yaml")
        let file = try Data(contentsOf: URL(fileURLWithPath: Self.contractPath))
        #expect(response.status == 200)
        #expect(response.body.count == file.count)
        #expect(response.body == [UInt8](file), "Sources/API/Resources/openapi.yaml must be a copy of OpenAPI/openapi.yaml (make contract)")
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
    }
}
