import AsyncHTTPClient
import Foundation
import Histogram
import LotseDemand
import LotseDomain
import LotseTime
import LotseTokens
import NIOCore
import NIOHTTP1
import Synchronization

/// The simulator's demand as HTTP load against a running `lotse serve`: every mission is a dispatch query, an
/// announcement to the hospital the answer ranks first, its acknowledgement and the arrival; between missions the
/// hospitals report beds and resource statuses in the proportion the virtual-time run shows (per mission ≈ 0.18
/// bed reports and ≈ 2.8 status reports). Closed loop: `clients` workers, each with its own token, one request at
/// a time; or paced to the missions' call times when `speed` is set (1 = real time).
public struct HTTPLoad: Sendable {
    public struct Options: Sendable {
        public var baseURL: String
        /// Signs one token per client (the server's signing key, or its development secret).
        public var issuer: TokenIssuer
        public var clients: Int
        /// Simulated seconds per wall second; nil = as fast as possible.
        public var speed: Double?
        public var maxMissions: Int?
        public var maxSeconds: Double?
        public init(baseURL: String, issuer: TokenIssuer, clients: Int, speed: Double?, maxMissions: Int?, maxSeconds: Double?) {
            self.baseURL = baseURL
            self.issuer = issuer
            self.clients = clients
            self.speed = speed
            self.maxMissions = maxMissions
            self.maxSeconds = maxSeconds
        }
    }

    /// Latency per request type (microseconds) and what went wrong.
    public struct Result: Codable, Sendable {
        public var latency: [String: LatencySummary]
        public var errors: [String: Int]
        /// The first problem detail seen per error kind.
        public var errorSamples: [String: String]
        public var requests: Int
        public var missions: Int
        public var wallSeconds: Double
        public var clients: Int
        public var mode: String
        public var requestsPerSecond: Double { wallSeconds > 0 ? Double(requests) / wallSeconds : 0 }
    }

    public let options: Options
    public let missions: [Mission]
    /// Each hospital with a resource it has (emergency department where there is one) for status reports.
    public let hospitals: [(id: HospitalID, resource: String)]

    public init(options: Options, scenario: Scenario, geography: Geography, demand: DemandModel) {
        self.options = options
        var ms: [Mission] = []
        demand.generate { m in
            if m.transported { ms.append(m) }
            return options.maxMissions.map { ms.count < $0 } ?? true
        }
        missions = ms
        hospitals = geography.hospitals.compactMap { h in
            let p = h.registration.profile
            guard let key = p.contains(.emergencyDepartment) ? .emergencyDepartment : p.keys.first else { return nil }
            return (h.registration.id, key.rawValue)
        }
    }

    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Result {
        let tokens = options.issuer
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: options.clients)))
        let queue = MissionQueue(missions.count)
        let start = ContinuousClock.now
        let firstCall = missions.first?.callAt.millis ?? 0
        let results: [Worker.Tally]
        do {
            results = try await withThrowingTaskGroup(of: Worker.Tally.self) { group in
                for c in 0..<options.clients {
                    let dispatcher = try await tokens.issue(subject: "sim-leitstelle-\(c)", role: .dispatcher, scope: ["*"], ttlSeconds: 12 * 3600)
                    let hospital = try await tokens.issue(subject: "sim-klinik-\(c)", role: .hospital, scope: ["*"], ttlSeconds: 12 * 3600)
                    let worker = Worker(client: client, base: options.baseURL, dispatcher: dispatcher, hospital: hospital, hospitals: hospitals, seed: UInt64(c))
                    group.addTask { [missions, options] in
                        var tally = Worker.Tally()
                        while let i = queue.next() {
                            if let max = options.maxSeconds, (ContinuousClock.now - start) > .seconds(max) { break }
                            if let speed = options.speed {
                                let due = Double(missions[i].callAt.millis - firstCall) / 1000 / speed
                                let elapsed = ContinuousClock.now - start
                                let wait = due - (elapsed / .seconds(1))
                                if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
                            }
                            try await worker.mission(missions[i], tally: &tally)
                            tally.missions += 1
                            if tally.missions % 50 == 0 { progress?(queue.taken, missions.count) }
                        }
                        return tally
                    }
                }
                var all: [Worker.Tally] = []
                for try await t in group { all.append(t) }
                return all
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        let d = ContinuousClock.now - start
        var merged = LatencyRecorder()
        var errors: [String: Int] = [:]
        var samples: [String: String] = [:]
        var done = 0
        for t in results {
            merged.merge(t.latency)
            for (k, n) in t.errors { errors[k, default: 0] += n }
            samples.merge(t.errorSamples) { a, _ in a }
            done += t.missions
        }
        return Result(
            latency: merged.summaries, errors: errors, errorSamples: samples, requests: merged.requests, missions: done,
            wallSeconds: d / .seconds(1), clients: options.clients,
            mode: options.speed.map { "paced ×\($0)" } ?? "so schnell wie möglich")
    }
}

/// Hands out mission indexes to the workers.
final class MissionQueue: Sendable {
    private let nextIndex = Mutex(0)
    private let count: Int
    init(_ count: Int) { self.count = count }

    func next() -> Int? {
        nextIndex.withLock { n in
            guard n < count else { return nil }
            n += 1
            return n - 1
        }
    }

    var taken: Int { nextIndex.withLock { $0 } }
}

/// One client: a Leitstelle and a hospital token, one request at a time.
struct Worker: Sendable {
    let client: HTTPClient
    let base: String
    let dispatcher: String
    let hospital: String
    let hospitals: [(id: HospitalID, resource: String)]
    let seed: UInt64

    struct Tally {
        var latency = LatencyRecorder()
        var errors: [String: Int] = [:]
        var errorSamples: [String: String] = [:]
        var missions = 0
        var reportCredit = 0.0
        var statusCredit = 0.0
    }

    struct Candidate: Decodable { let hospitalId: String; let driveMinutes: Double }
    struct Answer: Decodable { let candidates: [Candidate]; let excluded: [Candidate] }
    struct Announced: Decodable { let announcementId: String }

    /// Dispatch → announce → acknowledge → arrive, then the reports this mission's share calls for.
    func mission(_ m: Mission, tally: inout Tally) async throws {
        let q = "/v1/dispatch?lat=\(m.position.lat)&lon=\(m.position.lon)&pzc=\(m.pzc.description)&limit=3"
        guard let body = try await send("dispatch", .GET, q, token: dispatcher, tally: &tally),
              let answer = try? JSONDecoder().decode(Answer.self, from: body) else { return }
        let chosen = answer.candidates.first ?? answer.excluded.first
        guard let target = chosen else { return }
        let eta = SystemClock().now().adding(minutes: target.driveMinutes).iso8601
        var announce: [String: Any] = [
            "hospitalId": target.hospitalId, "pzc": m.pzc.description, "eta": eta, "unit": "RTW-SIM-\(seed)", "district": m.district.rawValue,
        ]
        if answer.candidates.isEmpty { announce["overrideReason"] = "Lastsimulation: keine geeignete Klinik frei" }
        guard let created = try await send("announce", .POST, "/v1/announcements", token: dispatcher, json: announce, tally: &tally),
              let id = (try? JSONDecoder().decode(Announced.self, from: created))?.announcementId else { return }
        _ = try await send("acknowledge", .POST, "/v1/announcements/\(id)/acknowledgement", token: hospital, json: [:], tally: &tally)
        _ = try await send("arrival", .POST, "/v1/announcements/\(id)/arrival", token: hospital, json: [:], tally: &tally)
        tally.reportCredit += 0.18
        tally.statusCredit += 2.8
        var rng = SimRandom(seed: seed, stream: UInt64(m.index))
        while tally.reportCredit >= 1 {
            tally.reportCredit -= 1
            let h = hospitals[Int(rng.uniform() * Double(hospitals.count))].id
            let free = Int(rng.uniform() * 40)
            _ = try await send("beds", .PUT, "/v1/hospitals/\(h)/beds", token: hospital,
                               json: ["beds": ["normal": ["free": free, "operable": 200]]], tally: &tally)
        }
        while tally.statusCredit >= 1 {
            tally.statusCredit -= 1
            let h = hospitals[Int(rng.uniform() * Double(hospitals.count))]
            _ = try await send("status", .PUT, "/v1/hospitals/\(h.id)/resources/\(h.resource)/status", token: hospital,
                               json: ["status": rng.chance(0.9) ? "available" : "limited"], tally: &tally)
        }
    }

    /// One request; records its latency under `type`, and any non-2xx status as an error. Returns the body on success.
    func send(_ type: String, _ method: HTTPMethod, _ path: String, token: String, json: [String: Any]? = nil, tally: inout Tally) async throws -> Data? {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        let t0 = tally.latency.clock.now
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 4 << 20)
        tally.latency.record(type, since: t0)
        guard (200..<300).contains(Int(response.status.code)) else {
            let key = "\(type) \(response.status.code)"
            tally.errors[key, default: 0] += 1
            if tally.errorSamples[key] == nil { tally.errorSamples[key] = String(buffer: body).prefix(300).description }
            return nil
        }
        return Data(body.readableBytesView)
    }
}
