import Foundation
import Hummingbird
import HummingbirdCore
@testable import LotseAPI
import LotseApplication
import LotseCapacity
import LotseDomain
import LotseEventStore
import Logging
import Synchronization
import Testing

/// The request and answer shortcuts of the write routes (issue 16) give what the long way gives: the flat body
/// reader what `JSONDecoder` reads (or declines), the query's parameter names what Hummingbird's parser names, the
/// command answer the bytes `JSONEncoder` writes.
@Suite struct RequestFastPathTests {
    /// Random small JSON-ish documents around the status and closure bodies: whatever the flat reader accepts,
    /// `JSONDecoder` reads as the same fields; what it declines is left to `JSONDecoder` (never answered by it).
    @Test func theFlatReaderReadsWhatJSONDecoderReads() throws {
        var rng = SystemRandomNumberGenerator()
        let pieces = [#"{"#, #"}"#, #"""#, #":"#, #","#, " ", "\n", #"\"#, "status", "limited", "available", "reason", "until",
                      "ü", "1", "[", "]", "null", "\u{01}", "2026-11-23T12:00:00Z"]
        let templates = [
            #"{"status":"limited"}"#, #" { "status" : "available" } "#, #"{"status":"limited","status":"available"}"#,
            #"{"reason":"Wartung ü","until":"2026-11-23T12:00:00Z"}"#, #"{"reason":"a\"b","until":"2026-11-23T12:00:00Z"}"#,
            #"{}"#, #"{"status":1}"#, #"{"status":"x",}"#, #"{"status":"x"}x"#, "{\"status\":\"a\u{01}\"}",
        ]
        var accepted = 0
        for i in 0..<4000 {
            var text: String
            if i < templates.count {
                text = templates[i]
            } else {
                text = templates.randomElement(using: &rng)!
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    var chars = Array(text)
                    let at = Int.random(in: 0...chars.count, using: &rng)
                    if Bool.random(using: &rng), at < chars.count { chars.remove(at: at) } else {
                        chars.insert(contentsOf: pieces.randomElement(using: &rng)!, at: at)
                    }
                    text = String(chars)
                }
            }
            let bytes = Array(text.utf8)
            let flat = bytes.withUnsafeBytes(FlatJSONObject.fields)
            let decoded = try? JSONDecoder().decode([String: String].self, from: Data(bytes))
            if let flat {
                accepted += 1
                // A key twice: JSONDecoder keeps one of them; the flat reader declines (checked with the templates).
                #expect(decoded == flat, "\(text)")
            }
        }
        #expect(accepted > 100)
        #expect([UInt8](#"{"status":"limited","status":"available"}"#.utf8).withUnsafeBytes(FlatJSONObject.fields) == nil)
        #expect([UInt8](#"{"reason":"a\"b"}"#.utf8).withUnsafeBytes(FlatJSONObject.fields) == nil)
        #expect([UInt8]([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D]).withUnsafeBytes(FlatJSONObject.fields) == nil)  // invalid UTF-8
        #expect([UInt8](" {} ".utf8).withUnsafeBytes(FlatJSONObject.fields) == [:])
    }

    /// The byte check of the Content-Type agrees with the check on characters, on random headers of the pieces that
    /// matter: `;`, blanks (also Unicode ones), combining marks, case.
    @Test func contentTypesAreReadAsBefore() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["application/json", "Application/JSON", "application/jsonx", "text/plain", ";", ";;", " ", "\t", "\u{A0}",
                      "\u{3000}", "\u{301}", "charset=utf-8", "application/problem+json", ""]
        var accepted = 0
        for _ in 0..<3000 {
            let value = (0..<Int.random(in: 1...4, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let json = Request.isJSON(contentType: value)
            #expect(json == Request.isJSONByCharacters(value), "\(value.unicodeScalars.map { String($0.value, radix: 16) })")
            if json { accepted += 1 }
        }
        #expect(accepted > 100)
        for (value, json) in [("application/json", true), ("Application/JSON; charset=utf-8", true), (" application/json ;x", true),
                              (";application/json", true), ("\u{A0}application/json", true), ("application/jsonx", false),
                              ("", false), ("application/problem+json", false)] {
            #expect(Request.isJSON(contentType: value) == json, "\(value)")
        }
        #expect(!Request.isJSON(contentType: nil))
    }

    /// Random queries of names, `=`, `&`, percent signs and empty parts: the same names as Hummingbird's parser.
    @Test func parameterNamesAreHummingbirdsNames() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["pzc", "lat", "=", "&", "&&", "%20", "+", "ü", "a=b=c", "", "limit"]
        for _ in 0..<2000 {
            let query = (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let uri = URI("/v1/dispatch?" + query)
            let theirs = uri.queryParameters.map { String($0.key) }
            #expect(APIRoute.parameterNames(uri.query ?? "") == theirs, "\(query)")
        }
    }

    /// The command answer is written directly, byte for byte what the API's JSONEncoder writes.
    @Test func commandAnswersAreJSONEncodersBytes() throws {
        let encoder = LotseRequestContext.apiEncoder
        for events in [[], ["ResourceStatusReported"], ["ResourceClosed", "ResourceReopened", "Weird \"type\"/ü"]] {
            for (position, version, dedup) in [(Int64(0), Int64(0), false), (1_234_567_890_123, 42, true), (-1, 1, false)] {
                let result = CommandResult(position: position, streamVersion: version, events: events, deduplicated: dedup)
                var w = JSONWriter()
                result.write(&w)
                #expect(w.bytes == Array(try encoder.encode(result)), "\(events) \(position)")
            }
        }
    }

    /// The server's log handler writes the lines swift-log's StreamLogHandler writes (after their time stamps).
    @Test func logLinesAreStreamLogHandlersLines() {
        let plainLines = Lines(), deferredLines = Lines()
        var plain = Logger(label: "lotse") { StreamLogHandler(label: $0, stream: plainLines) }
        var deferred = Logger(label: "lotse") { DeferredMetadataLogHandler(StreamLogHandler(label: $0, stream: deferredLines)) }
        func exercise(_ logger: inout Logger) {
            logger.info("ohne Metadaten")
            logger[metadataKey: "hb.request.id"] = "42"
            logger[metadataKey: "z"] = "1"
            logger.info("mit", metadata: ["z": "2", "a": "3"])
            logger.debug("nicht geschrieben")
            logger[metadataKey: "z"] = nil
            logger.error("Fehler")
        }
        exercise(&plain)
        exercise(&deferred)
        // With a metadata provider that shares a key with the logger's metadata: the same precedence.
        let provider = Logger.MetadataProvider { ["z": "provider", "p": "1"] }
        plain.handler.metadataProvider = provider
        deferred.handler.metadataProvider = provider
        plain.warning("mit Provider", metadata: ["a": "3"])
        deferred.warning("mit Provider", metadata: ["a": "3"])
        let strip = { (text: String) in text.split(separator: "\n").map { $0.drop { $0 != " " } } }
        #expect(strip(plainLines.text.value) == strip(deferredLines.text.value))
        #expect(strip(deferredLines.text.value).count == 4)
        #expect(plainLines.text.value.contains("z=provider"))
        #expect(deferred[metadataKey: "hb.request.id"] == "42")
    }
}

/// A stream for log lines (a class inside, as `StreamLogHandler` copies the stream to write).
private struct Lines: TextOutputStream, Sendable {
    final class Text: Sendable {
        let storage = Mutex("")
        var value: String { storage.withLock { $0 } }
    }
    let text = Text()
    func write(_ string: String) { text.storage.withLock { $0 += string } }
}
