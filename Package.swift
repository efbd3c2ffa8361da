// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Lotse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lotse", targets: ["lotse"]),
        .executable(name: "lotse-sim", targets: ["lotse-sim"]),
        .library(name: "LotseDomain", targets: ["LotseDomain"]),
        .library(name: "LotseEventStore", targets: ["LotseEventStore"]),
        .library(name: "LotseApplication", targets: ["LotseApplication"]),
        .library(name: "LotseSQLite", targets: ["LotseSQLite"]),
        .library(name: "LotseCapacity", targets: ["LotseCapacity"]),
        .library(name: "LotseSeed", targets: ["LotseSeed"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.4"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        // Settings from flags, the environment and a file in one place (already under Hummingbird).
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.0.2", traits: []),
        // Tests only: a throwaway CA for the HTTPS tests (both are already under jwt-kit).
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.0.0"),
    ],
    targets: [
        // MARK: - Pure core
        /// Domain core: hospitals, resources, PZC, requirement table, decide/evolve. No I/O.
        .target(name: "LotseDomain", swiftSettings: strict),

        /// Telenotarzt dispatch: the pure state machine of DESIGN §5 and the actor service that runs it on the log.
        .target(
            name: "LotseTelenotarzt", dependencies: ["LotseDomain", "LotseEventStore", "LotseApplication", "LotseTime"], resources: [.copy("Resources")],
            swiftSettings: strict),

        // MARK: - Event store port and adapters
        /// The event-store port, its in-memory twin, subscriptions and the event codec with upcasting.
        .target(name: "LotseEventStore", dependencies: ["LotseDomain", "LotseCrypto"], swiftSettings: strict),
        /// The system OpenSSL's libcrypto (Debian: libssl-dev), so security fixes arrive with the operating system's updates.
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        /// SHA-256 (the log's hash chain), AES-256-GCM (personal fields), random keys — small Swift types on libcrypto.
        .target(name: "LotseCrypto", dependencies: ["CLibCrypto"], swiftSettings: strict),
        /// The system libsqlite3 (Debian: libsqlite3-dev).
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        /// SQLite adapter: WAL, synchronous=FULL, group commit on one writer thread.
        .target(name: "LotseSQLite", dependencies: ["CSQLite", "LotseEventStore", "LotseCrypto"], swiftSettings: strict),
        /// PostgreSQL adapter (postgres-nio): several nodes on one log, gap-free positions in commit order, group commit,
        /// LISTEN/NOTIFY subscriptions with catch-up, leases for the timers, primary/standby host lists.
        .target(
            name: "LotsePostgres",
            dependencies: [
                "LotseEventStore", "LotseCrypto", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),

        /// The one clock type (system, manual) of the CLI, the server, the simulator, the load generator and the tests.
        .target(name: "LotseTime", dependencies: ["LotseDomain"], swiftSettings: strict),

        // MARK: - Projections and application
        /// The one command path: the `Aggregate` protocol, `StreamCommandRunner`, `EventMetadata`, event types, the JSON writer.
        .target(name: "LotseApplication", dependencies: ["LotseDomain", "LotseEventStore", "LotseCrypto"], swiftSettings: strict),
        /// Capacity index (projection), dispatch ranking, application service.
        .target(name: "LotseCapacity", dependencies: ["LotseDomain", "LotseEventStore", "LotseApplication"], swiftSettings: strict),
        /// The dispatch question: requirement → capable → suitable now → drive time → score, explained (DESIGN §4).
        .target(name: "LotseDispatch", dependencies: ["LotseDomain", "LotseCapacity"], resources: [.copy("Resources")], swiftSettings: strict),
        /// The index in open standards for other systems: FHIR R4 resources (Location, HealthcareService, MeasureReport).
        .target(name: "LotseExport", dependencies: ["LotseDomain", "LotseCapacity"], swiftSettings: strict),
        /// The statistics of a period, folded from the log: closures, data age, announcements, offload, Telenotarzt.
        .target(name: "LotseStatistics", dependencies: ["LotseDomain", "LotseEventStore", "LotseCapacity", "LotseTelenotarzt"], swiftSettings: strict),
        /// Mass-casualty incidents (MANV): triage categories and the exact distribution plan (minimum-cost flow).
        .target(name: "LotseMANV", dependencies: ["LotseDomain", "LotseEventStore", "LotseApplication"], swiftSettings: strict),
        /// Bearer tokens: roles, claims, ES256 signing keys and JWKS verification with key ids, the claims mapping of
        /// external identity providers, revocation (jwt-kit, swift-crypto). Shared by the server, the CLI and the load generator.
        .target(
            name: "LotseTokens",
            dependencies: [
                "LotseDomain", .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        /// The HTTP API `/v1` (Hummingbird 2): auth, routes, problem+json, SSE, services of `lotse serve`.
        .target(
            name: "LotseAPI",
            dependencies: [
                "LotseDomain", "LotseEventStore", "LotseApplication", "LotseCapacity", "LotseDispatch", "LotseExport", "LotseMANV", "LotseSeed", "LotseStatistics", "LotseTelenotarzt",
                "LotseTokens", "LotseTime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("Web")],
            swiftSettings: strict
        ),
        /// Real data in: the MV hospitals, resource derivation rules, the demo state.
        .target(
            name: "LotseSeed",
            dependencies: ["LotseDomain"],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),

        // MARK: - Executables
        /// The `lotse` command line.
        .executableTarget(
            name: "lotse",
            dependencies: [
                "LotseDomain", "LotseEventStore", "LotseSQLite", "LotsePostgres", "LotseCapacity", "LotseDispatch", "LotseSeed", "LotseAPI",
                "LotseTelenotarzt", "LotseTokens", "LotseApplication", "LotseTime", "LotseCrypto", "LotseStatistics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: strict
        ),

        // MARK: - Load simulator (`Simulator/`, see Docs/SIMULATION.md)
        /// MV's emergency demand from real data: scenarios, geography (derived Rettungswachen), missions, seeded streams.
        .target(
            name: "LotseDemand",
            dependencies: ["LotseDomain", "LotseSeed", .product(name: "Histogram", package: "hdrhistogram-swift")],
            path: "Simulator/Sources/LotseDemand",
            resources: [.copy("Scenarios")],
            swiftSettings: strict
        ),
        /// The demand driving the application layer in virtual time; reports and policy lab.
        .target(
            name: "LotseSimulation",
            dependencies: [
                "LotseDemand", "LotseDomain", "LotseEventStore", "LotseApplication", "LotseCapacity", "LotseDispatch", "LotseMANV", "LotseSeed",
                "LotseTelenotarzt", "LotseTime",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Simulator/Sources/LotseSimulation",
            swiftSettings: strict
        ),
        /// The same demand as HTTP load against a running `lotse serve` (latency per request type).
        .target(
            name: "LotseLoad",
            dependencies: [
                "LotseDemand", "LotseDomain", "LotseTime", "LotseTokens",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Simulator/Sources/LotseLoad",
            swiftSettings: strict
        ),
        /// `lotse-sim`: run a scenario (virtual time or HTTP load) and write the report.
        .executableTarget(
            name: "lotse-sim",
            dependencies: ["LotseSimulation", "LotseLoad", "LotseTokens", "LotseSQLite", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Simulator/Sources/lotse-sim",
            swiftSettings: strict
        ),

        // MARK: - Benchmarks (`swift package benchmark`, see Docs/BENCHMARKS.md)
        /// Dispatch query: MV and all German sites, Lotse vs the same ranking as SQL over SQLite.
        /// What the benchmarks share: a task executor with the cores' threads (package-benchmark blocks one of Swift's).
        .target(
            name: "BenchmarkSupport",
            path: "Benchmarks/BenchmarkSupport",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "DispatchBenchmarks",
            dependencies: ["LotseDispatch", "LotseMANV", "LotseSeed", "LotseAPI", "CSQLite", .product(name: "NIOCore", package: "swift-nio"), .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/DispatchBenchmarks",
            swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        /// Durable appends (single writer, 64 writers with group commit), capacity updates, rebuild from 1 M events.
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                "LotseCapacity", "LotseSeed", "LotseSQLite", "LotsePostgres", "BenchmarkSupport", .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/StoreBenchmarks",
            swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),

        /// The durable-write ceiling of the HTTP stack: `lotse serve`'s middleware in front of a plain append (run by
        /// Benchmarks/http/run.sh beside the status updates; not a package-benchmark target).
        .executableTarget(
            name: "HTTPCeiling",
            dependencies: ["LotseAPI", "LotseSQLite", "LotseTokens", "LotseEventStore", .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio")],
            path: "Benchmarks/HTTPCeiling",
            swiftSettings: strict
        ),

        /// Telenotarzt: a burst of 1 000 requests against 20 physicians (decision latency, events/s).
        .executableTarget(
            name: "TNABenchmarks",
            dependencies: ["LotseTelenotarzt", "LotseEventStore", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/TNABenchmarks",
            swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),

        /// Token verification: ES256 first time and cached, HS256 (the scheme it replaced) as the peer.
        .executableTarget(
            name: "TokenBenchmarks",
            dependencies: ["LotseTokens", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/TokenBenchmarks",
            swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),

        // MARK: - Tests
        .testTarget(name: "LotseDomainTests", dependencies: ["LotseDomain", "LotseSeed"], swiftSettings: strict),
        /// libcrypto behind LotseCrypto: NIST test vectors for SHA-256 and AES-256-GCM.
        .testTarget(name: "LotseCryptoTests", dependencies: ["LotseCrypto"], swiftSettings: strict),
        /// The command path and the log's compatibility: a fixture log written before the one command path replays unchanged.
        .testTarget(
            name: "LotseApplicationTests", dependencies: ["LotseApplication", "LotseCapacity", "LotseTelenotarzt"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "LotseTelenotarztTests", dependencies: ["LotseTelenotarzt", "LotseSQLite"], swiftSettings: strict),
        .testTarget(
            name: "LotseEventStoreTests",
            dependencies: ["LotseEventStore", "LotseSQLite", "LotsePostgres", "CSQLite", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LotseCapacityTests",
            dependencies: ["LotseCapacity", "LotseDispatch", "LotseSQLite", "LotseSeed"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        /// The MANV plan against an exhaustive search on small instances.
        .testTarget(name: "LotseMANVTests", dependencies: ["LotseMANV", "LotseDomain", "LotseApplication"], swiftSettings: strict),
        /// Statistics of a period against counts computed independently from the raw events.
        .testTarget(name: "LotseStatisticsTests", dependencies: ["LotseStatistics", "LotseCapacity", "LotseEventStore", "LotseDomain", "LotseApplication"], swiftSettings: strict),
        /// The HTTP API over a real socket: authorization matrix, bad input, idempotency, SSE, OpenAPI agreement.
        .testTarget(
            name: "LotseAPITests",
            dependencies: [
                "LotseAPI", "LotseExport", "LotseMANV", "LotseSQLite", "LotseTelenotarzt", "LotseTokens", "LotseSeed", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: strict
        ),
        /// The simulator: generators against their parameters over long runs, determinism, reports, HTTP load.
        .testTarget(
            name: "LotseSimulationTests",
            dependencies: [
                "LotseSimulation", "LotseMANV", "LotseLoad", "LotseAPI", "LotseSQLite", "LotseStatistics", .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        /// Runs the built `lotse` binary: error paths, JSON output, and the kill -9 durability test.
        .testTarget(
            name: "LotseCLITests",
            dependencies: [
                "lotse", "lotse-append-load", "LotseSQLite", "LotseEventStore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        /// Test tool: appends synthetic events straight to the SQLite store, printing every acknowledgement (the `kill -9` test).
        .executableTarget(
            name: "lotse-append-load",
            dependencies: [
                "LotseSQLite", "LotsePostgres", "LotseEventStore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/AppendLoad", swiftSettings: strict),
    ]
)
