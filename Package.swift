// swift-tools-version:6.1
import PackageDescription

/// Same strictness as Hummingbird itself: explicit `any`, and a file sees only what it imports.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "frontdesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "frontdesk", targets: ["frontdesk"]),
        .executable(name: "scripted-upstream", targets: ["ScriptedUpstreamServer"]),
        .executable(name: "frontdesk-bench", targets: ["frontdesk-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // C libraries from Debian (libcurl4-openssl-dev, libsqlite3-dev); scripts/ensure-deps.sh installs them.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "OpenAIWire", swiftSettings: swiftSettings),
        .target(
            name: "Upstream",
            dependencies: [
                "CCurl", "OpenAIWire",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The scheduling engine: the business's profile, rules, time zones and availability. Pure: no I/O.
        .target(name: "Scheduling", swiftSettings: swiftSettings),
        // The use-case layer: every operation of the front desk, for any actor and channel, and
        // the store protocol it talks to. No HTTP, no curl, no SQL.
        .target(
            name: "Reception",
            dependencies: [
                "Scheduling", .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The SQLite implementation of the store: every SQL statement lives here.
        .target(
            name: "SQLiteStore",
            dependencies: [
                "CSQLite", "Reception", "Scheduling",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Agent",
            dependencies: [
                "OpenAIWire", "Reception", "Scheduling",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FrontDeskApp",
            dependencies: [
                "Agent", "OpenAIWire", "Reception", "Scheduling", "SQLiteStore", "Upstream",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The staff API's OpenAPI document, the console's templates and static files.
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "frontdesk",
            dependencies: [
                "FrontDeskApp", "Agent", "Reception", "Scheduling", "SQLiteStore", "Upstream",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // A scripted fake upstream LLM served over real loopback HTTP: used by the Swift tests,
        // the Python end-to-end tests and the benchmark. It lives under Tests/ because it is a fake.
        .target(
            name: "ScriptedUpstream",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/Support/ScriptedUpstream",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ScriptedUpstreamServer",
            dependencies: [
                "ScriptedUpstream",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/Support/ScriptedUpstreamServer",
            swiftSettings: swiftSettings
        ),

        // The benchmark client (scripts/bench.sh): open-loop HTTP load with per-request timings,
        // and the calendar benchmark through the real tool. Not part of the tests or CI.
        .executableTarget(
            name: "frontdesk-bench",
            dependencies: [
                "Agent", "OpenAIWire", "Reception", "Scheduling", "SQLiteStore", "CSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "OpenAIWireTests", dependencies: ["OpenAIWire"], swiftSettings: swiftSettings),
        .testTarget(
            name: "UpstreamTests",
            dependencies: ["Upstream", "OpenAIWire", "ScriptedUpstream"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SchedulingTests", dependencies: ["Scheduling", "Reception", "SQLiteStore", "CSQLite"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AgentTests",
            dependencies: ["Agent", "OpenAIWire", "Reception", "Scheduling", "SQLiteStore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FrontDeskAppTests",
            dependencies: [
                "FrontDeskApp", "Agent", "OpenAIWire", "Reception", "Scheduling", "SQLiteStore", "Upstream", "ScriptedUpstream",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
