// swift-tools-version:6.1
import PackageDescription
import Foundation

// One strictness block for every target (design.md §8): Swift 6 mode with complete
// concurrency checking comes from the tools version; these add the upcoming features.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// Developers working on one module in parallel can build only its tests:
// SENTINEL_TEST_TARGETS=FeaturesTests,LearningTests swift test --scratch-path .build-features
// Unset (CI, `make test`), every test target is part of the package.
let onlyTests: Set<String>? = ProcessInfo.processInfo.environment["SENTINEL_TEST_TARGETS"]
    .map { Set($0.split(separator: ",").map(String.init)) }

/// A test target, left out while its folder holds no Swift file yet (git keeps no empty folders).
func testTarget(_ name: String, _ deps: [Target.Dependency], resources: [Resource]? = nil) -> Target? {
    if let onlyTests, !onlyTests.contains(name) { return nil }
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Tests/\(name)")
    let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
    if !files.contains(where: { $0.hasSuffix(".swift") }) { return nil }
    return .testTarget(name: name, dependencies: deps, resources: resources, swiftSettings: strict)
}

var targets: [Target] = [
    // C bridges: one module map and header each, one or two named importers.
    .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
    .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                   providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
                   providers: [.apt(["libssl-dev"])]),

    .target(name: "Domain", swiftSettings: strict),
    .target(name: "Hashing", dependencies: ["COpenSSL"], swiftSettings: strict),
    .target(name: "HTTPServer", dependencies: [
        .target(name: "CLinux", condition: .when(platforms: [.linux])),
        .product(name: "Logging", package: "swift-log"),
    ], swiftSettings: strict),
    .target(name: "HTTPClient", dependencies: ["CCurl"], swiftSettings: strict),
    .target(name: "Storage", dependencies: [
        "Domain", .product(name: "GRDB", package: "GRDB.swift"),
    ], swiftSettings: strict),
    .target(name: "MarketData", dependencies: ["Domain", "HTTPClient",
        .product(name: "Logging", package: "swift-log")],
        resources: [.copy("Resources/btc-usd-5m.csv"), .copy("Resources/eth-usd-5m.csv")],
        swiftSettings: strict),
    .target(name: "Features", dependencies: ["Domain"], swiftSettings: strict),
    .target(name: "Learning", dependencies: ["Domain", "Hashing"], swiftSettings: strict),
    .target(name: "Statistics", swiftSettings: strict),
    .target(name: "Pipelines", dependencies: ["Domain", "Features", "Learning", "Statistics", "Hashing",
        .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
    .target(name: "Jobs", dependencies: ["Domain", "Pipelines",
        .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
    .target(name: "API", dependencies: ["Domain", "HTTPServer", "Jobs", "Pipelines", "Features", "Hashing",
        .product(name: "Logging", package: "swift-log")],
        resources: [.copy("Resources/openapi.yaml")], swiftSettings: strict),
    .target(name: "SentinelTesting", dependencies: ["Domain", "HTTPServer", "Storage", "API",
        "MarketData"], swiftSettings: strict),
    .executableTarget(name: "sentinel", dependencies: [
        "Domain", "HTTPServer", "HTTPClient", "Storage", "MarketData", "Features", "Learning",
        "Pipelines", "Jobs", "API", "Hashing",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
    ], swiftSettings: strict),

    // Benchmarks are executables that print their figures (see Benchmarks/README.md).
    .executableTarget(name: "FeaturesBenchmark", dependencies: ["Features", "Domain"],
                      path: "Benchmarks/FeaturesBenchmark", swiftSettings: strict),
    .executableTarget(name: "LearningBenchmark", dependencies: ["Learning", "Domain", "Pipelines"],
                      path: "Benchmarks/LearningBenchmark", swiftSettings: strict),
]

targets += [
    testTarget("DomainTests", ["Domain"]),
    testTarget("HashingTests", ["Hashing"]),
    testTarget("HTTPServerTests", ["HTTPServer", "SentinelTesting"]),
    testTarget("HTTPClientTests", ["HTTPClient", "SentinelTesting"]),
    testTarget("StorageTests", ["Storage", "Domain", "SentinelTesting"]),
    testTarget("MarketDataTests", ["MarketData", "Domain", "HTTPClient", "SentinelTesting"], resources: [.copy("Fixtures")]),
    testTarget("FeaturesTests", ["Features"], resources: [.copy("Fixtures")]),
    testTarget("LearningTests", ["Learning"], resources: [.copy("Fixtures")]),
    testTarget("StatisticsTests", ["Statistics"], resources: [.copy("Fixtures")]),
    testTarget("PipelinesTests", ["Pipelines", "Storage", "MarketData", "SentinelTesting", "Learning", "Statistics",
                                 .product(name: "Logging", package: "swift-log")]),
    testTarget("JobsTests", ["Jobs", "Storage", "SentinelTesting"]),
    testTarget("APITests", ["API", "SentinelTesting"]),
    testTarget("SentinelTests", ["SentinelTesting", .product(name: "Yams", package: "Yams"),
                                 .product(name: "OpenAPIKit", package: "OpenAPIKit")]),
].compactMap { $0 }

// With SENTINEL_TEST_TARGETS set, keep only what those tests need, so one module's work in
// progress never breaks the build of another's.
if onlyTests != nil {
    let byName = Dictionary(uniqueKeysWithValues: targets.map { ($0.name, $0) })
    var needed = Set<String>()
    var stack = targets.filter { $0.type == .test }.map(\.name)
    while let name = stack.popLast() {
        guard needed.insert(name).inserted, let t = byName[name] else { continue }
        for d in t.dependencies {
            switch d {
            case .targetItem(let n, _), .byNameItem(let n, _): stack.append(n)
            default: break
            }
        }
    }
    targets = targets.filter { needed.contains($0.name) }
}

let package = Package(
    name: "Sentinel",
    platforms: [.macOS(.v15)],
    products: onlyTests == nil ? [.executable(name: "sentinel", targets: ["sentinel"])] : [],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit", from: "6.4.0"),
    ],
    targets: targets
)
