import Foundation
import LotseCapacity
import LotseDomain
import LotseEventStore
import Testing

@Suite struct CodecTests {
    let codec = HospitalEventCodec()
    let meta = EventMetadata(principal: .importer, correlationId: "c", idempotencyKey: nil, command: "X")

    func recorded(_ data: EventData) -> RecordedEvent {
        RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: data.type, schemaVersion: data.schemaVersion,
                      payload: data.payload, metadata: data.metadata)
    }

    /// Property: the fast decoder gives exactly what JSONDecoder gives, for random events with awkward text.
    @Test func fastDecoderAgreesWithJSONDecoder() throws {
        var rng = SplitMix64(seed: 99)
        let texts = ["Personalmangel", "CT \"defekt\" \\ Ersatz", "Zeile1\nZeile2\t🚑", "Ärztin fehlt – €", "\u{01}ctl", ""]
        for n in 0..<2000 {
            let id = HospitalID(String(770_000 + n % 50))!
            let key = ResourceKey.all.randomElement(using: &rng)!
            let at = t0.adding(minutes: Double(Int.random(in: 0...100_000, using: &rng)) + 0.123)
            let event: HospitalEvent = switch n % 5 {
            case 0: .statusReported(ResourceStatusReported(hospitalId: id, resource: key, status: n % 2 == 0 ? .available : .limited, occurredAt: at))
            case 1: .closed(ResourceClosed(hospitalId: id, resource: key, reason: texts.randomElement(using: &rng)!, until: at.adding(minutes: 30), occurredAt: at))
            case 2: .reopened(ResourceReopened(hospitalId: id, resource: key, occurredAt: at))
            case 3: .closureExpired(ResourceClosureExpired(hospitalId: id, resource: key, until: at, occurredAt: at))
            default: .bedsReported(BedCountsReported(hospitalId: id, beds: [
                .icuHighCare: BedCount(free: Int.random(in: 0...9, using: &rng), operable: 10), .normal: BedCount(free: 1, operable: 99_999),
            ], occurredAt: at))
            }
            let r = recorded(try codec.encode(event, metadata: meta))
            let fast = try codec.decode(r)
            #expect(fast == event)
            #expect(fast == (try codec.decodeWithJSONDecoder(r)))
        }
    }

    @Test func unusualPayloadsFallBackToJSONDecoder() throws {
        // Escaped unicode, spaces and a different key order are all valid JSON the fast path must get right or decline.
        let json = #"{ "status" : "limited", "resource":"\u0063t", "occurredAt":"2026-11-23T10:00:00.000Z","hospitalId":"771003" }"#
        let r = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: "ResourceStatusReported", schemaVersion: 1,
                              payload: Data(json.utf8), metadata: Data("{}".utf8))
        #expect(try codec.decode(r) == .statusReported(ResourceStatusReported(
            hospitalId: HospitalID("771003")!, resource: .ct, status: .limited, occurredAt: t0)))
        // An extra key the fast path does not know: decoded by JSONDecoder (which ignores it).
        let extra = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: "ResourceReopened", schemaVersion: 1,
                                  payload: Data(#"{"hospitalId":"771003","resource":"ct","occurredAt":"2026-11-23T10:00:00Z","note":"x"}"#.utf8),
                                  metadata: Data("{}".utf8))
        #expect(try codec.decode(extra) == .reopened(ResourceReopened(hospitalId: HospitalID("771003")!, resource: .ct, occurredAt: t0)))
        // Garbage is an error, not a silent nil.
        let bad = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: "ResourceReopened", schemaVersion: 1,
                                payload: Data("{".utf8), metadata: Data("{}".utf8))
        #expect(throws: (any Error).self) { try codec.decode(bad) }
    }
}
