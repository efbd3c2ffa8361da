// The durable-write ceiling of Lotse's HTTP stack on this machine (issue 16): a server with exactly the stack of
// `lotse serve` in front (`LotseServer.stack`: security headers, request metrics, problem answers, the token check with
// its rate and body limits, the data-age header) and one route behind it that does the least a durable write can do:
// read the body, append one event of a status report's size to an SQLite log (the same adapter: WAL,
// `synchronous = FULL`, group commit), answer a small JSON document. No command, no state, no projection.
// `Benchmarks/http/run.sh` runs wrk against it beside `lotse serve`'s status updates: their ratio is what Lotse's own
// command path costs on top of the stack.
//
// Usage: HTTPCeiling <directory for the log and the key files> — prints the address and a token, runs until killed.
import Foundation
import Hummingbird
import Logging
import LotseAPI
import LotseEventStore
import LotseSQLite
import LotseTokens
import NIOCore

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("Aufruf / usage: HTTPCeiling <Verzeichnis / directory>\n".utf8))
    exit(2)
}
let directory = arguments[1]
let key = SigningKey.generate()
let jwks = directory + "/ceiling.jwks.json"
try JWKSFile.add(key.publicJWK, to: jwks)
let issuer = await TokenIssuer(signingKey: key)
let token = try await issuer.issue(subject: "ceiling-admin", role: .admin, scope: ["*"], ttlSeconds: 3600)

let store = try SQLiteEventStore(path: directory + "/ceiling.sqlite")
var configuration = APIConfiguration(tokens: try await TokenVerifier(.init(jwksPath: jwks)))
configuration.rateLimitPerSecond = 10_000_000
let (router, v1, _) = try LotseServer.stack(configuration, metrics: LotseMetrics(), store: store)

// The status route's shape (`PUT /v1/hospitals/{id}/resources/{resource}/status`, body `{"status":"…"}`), an event of
// a `ResourceStatusReported`'s size (≈ 100 bytes of payload, ≈ 105 of metadata) on the hospital's stream. What it
// leaves out is Lotse's: the route table's role and parameter checks, the body's validation, the command, the metrics
// of appended events, the projection. The path's values are digits and a resource key here (wrk's script), so the
// JSON is written as it comes.
v1.put("hospitals/{id}/resources/{resource}/status") { request, context -> Response in
    let id = try context.parameters.require("id"), resource = try context.parameters.require("resource")
    let body = try await request.body.collect(upTo: context.maxUploadSize)
    let now = Date().timeIntervalSince1970
    let payload = Data(#"{"hospitalId":"\#(id)","occurredAt":\#(now),"resource":"\#(resource)","report":\#(String(buffer: body))}"#.utf8)
    let principal = context.principal.map { "\($0.principal)" } ?? "?"
    let metadata = Data(#"{"command":"Ceiling","correlationId":"\#(context.id)","principal":"\#(principal)"}"#.utf8)
    let result = try await store.append(
        [EventData(type: "CeilingWritten", schemaVersion: 1, payload: payload, metadata: metadata)],
        to: StreamID("hospital-\(id)"), expectedVersion: .any, idempotencyKey: nil)
    return Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(string: #"{"position":\#(result.lastPosition),"streamVersion":\#(result.streamVersion)}"#)))
}

// The server's own logger (`lotse serve`'s): Hummingbird sets a request id on it for every request.
var logger = Logger.lotse("ceiling")
logger.logLevel = .error
let app = Application(
    router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "Lotse"),
    onServerRunning: { channel in
        FileHandle.standardOutput.write(Data(
            "Obergrenze läuft auf / ceiling listening on http://127.0.0.1:\(channel.localAddress?.port ?? 0)\ntoken \(token)\n".utf8))
    },
    logger: logger)
try await app.runService()
