import Benchmark
import Foundation
import LotseTokens

/// What authenticating a request costs: an ES256 token verified for the first time (header, signature, claims,
/// mapping) and again from the verified-token cache (plus the revocation check), with HS256 — the scheme it
/// replaces — as the peer in the same run. A fresh verifier per iteration, so "first time" is never a cache hit.
let tokensPerRun = 2_000
let secret = "benchmark-secret-0123456789abcdef0123456789"

struct Fixture: Sendable {
    let jwks: String
    let es: [String]
    let hs: [String]

    static func make() async throws -> Fixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lotse-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let key = SigningKey.generate()
        let jwks = dir.appendingPathComponent("jwks.json").path
        try JWKSFile.add(key.publicJWK, to: jwks)
        let es = await TokenIssuer(signingKey: key), hs = try await TokenIssuer(devSecret: secret)
        var esTokens: [String] = [], hsTokens: [String] = []
        for i in 0..<tokensPerRun {
            esTokens.append(try await es.issue(subject: "bench-\(i)", role: .dispatcher, scope: ["Vorpommern-Rügen"], ttlSeconds: 3600))
            hsTokens.append(try await hs.issue(subject: "bench-\(i)", role: .dispatcher, scope: ["Vorpommern-Rügen"], ttlSeconds: 3600))
        }
        return Fixture(jwks: jwks, es: esTokens, hs: hsTokens)
    }
}

let benchmarks: @Sendable () -> Void = {
    let config = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20)
    Benchmark("ES256 verify, first time (2 000 distinct tokens)", configuration: config) { benchmark, f in
        let verifier = try await TokenVerifier(.init(jwksPath: f.jwks))
        benchmark.startMeasurement()
        for t in f.es { blackHole(try await verifier.verify(t)) }
        benchmark.stopMeasurement()
    } setup: {
        try await Fixture.make()
    }
    Benchmark("HS256 verify, first time (2 000 distinct tokens; the peer)", configuration: config) { benchmark, f in
        let verifier = try await TokenVerifier(.init(devSecret: secret))
        benchmark.startMeasurement()
        for t in f.hs { blackHole(try await verifier.verify(t)) }
        benchmark.stopMeasurement()
    } setup: {
        try await Fixture.make()
    }
    Benchmark("ES256 verify, cached (one token 2 000 times)", configuration: config) { benchmark, f in
        let verifier = try await TokenVerifier(.init(jwksPath: f.jwks))
        _ = try await verifier.verify(f.es[0])
        benchmark.startMeasurement()
        for _ in 0..<tokensPerRun { blackHole(try await verifier.verify(f.es[0])) }
        benchmark.stopMeasurement()
    } setup: {
        try await Fixture.make()
    }
}
