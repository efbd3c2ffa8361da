import Foundation
@testable import LotseCapacity
import LotseApplication
import LotseDomain
import LotseEventStore
import Testing

@Suite struct CodecTests {
    let codec = LotseEventCodec()
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
                // Surge figures: both, one, or none (absent is not zero).
                .icuLowCare: BedCount(free: 0, operable: 4, additional24h: n % 3 == 0 ? nil : n % 7, additional72h: n % 4 == 0 ? nil : 10 + n % 9),
            ], occurredAt: at))
            }
            let r = recorded(try codec.encode(event, metadata: meta))
            let fast = try codec.decode(r)
            #expect(fast == event)
            #expect(fast == (try codec.decodeWithJSONDecoder(r)))
            // As a scan hands it out (the store's bytes, no copy): the same.
            #expect(try r.scanned { try codec.decodeAny($0) } == .hospital(event))
        }
    }

    /// Property: the same for the announcement events (announced with and without override, acknowledged, arrived;
    /// cancelled and escalated always take the JSONDecoder path).
    @Test func fastAnnouncementDecoderAgreesWithJSONDecoder() throws {
        var rng = SplitMix64(seed: 7)
        let texts = ["RTW-Bergen-1", "RTW \"Süd\" \\ 2", "Zeile1\nZeile2\t🚑", "Ärztin – €", "\u{01}ctl"]
        for n in 0..<2000 {
            let header = AnnouncementHeader(
                announcementId: AnnouncementID("A-\(n)-\(Int.random(in: 0...999, using: &rng))")!, hospitalId: HospitalID(String(770_000 + n % 50))!,
                district: DistrictID(["Vorpommern-Rügen", "Rostock", "Landkreis Rostock"].randomElement(using: &rng)!), unit: texts.randomElement(using: &rng)!)
            let at = t0.adding(minutes: Double(Int.random(in: 0...100_000, using: &rng)) + 0.5)
            let event: AnnouncementEvent = switch n % 5 {
            case 0, 1:
                .announced(PatientAnnounced(
                    header: header, pzc: "421701", urgency: Urgency.allCases.randomElement(using: &rng)!,
                    flags: Array(AnnouncementFlag.allCases.shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng))).sorted(),
                    eta: at.adding(minutes: 20), bedCategory: BedCategory.allCases.randomElement(using: &rng)!,
                    overrideReason: n % 5 == 1 ? texts.randomElement(using: &rng)! : nil,
                    overriddenResources: n % 5 == 1 ? [.strokeUnit, .ct] : [], announcedBy: "crew:rtw-1", occurredAt: at))
            case 2: .acknowledged(AnnouncementAcknowledged(header: header, acknowledgedBy: "hospital:zna", occurredAt: at))
            case 3: .arrived(PatientArrived(header: header, arrivedAt: at, handoverAt: n % 2 == 0 ? nil : at.adding(minutes: 1), occurredAt: at))
            default: .cancelled(AnnouncementCancelled(header: header, reason: texts.randomElement(using: &rng)!, occurredAt: at))
            }
            let r = recorded(try codec.encode(event, metadata: meta))
            let decoded = try codec.decodeAnnouncement(r)
            #expect(decoded == event)
            // The fast path really decodes the frequent three (and declines the others).
            #expect((FastEventDecoder.decodeAnnouncement(type: r.type, schemaVersion: r.schemaVersion, payload: r.payload) != nil) == (n % 5 != 4))
            #expect(decoded == (try codec.decodeAnnouncementWithJSONDecoder(r)))
            // As a scan hands it out: the same, the declined ones through JSONDecoder on a copy.
            #expect(try r.scanned { try codec.decodeAny($0) } == .announcement(event))
        }
        // An explicit null override reason (valid JSON another writer may produce) is read as none.
        let json = #"{"header":{"announcementId":"A-1","hospitalId":"771003","district":"Rostock","unit":"RTW 1"},"pzc":"421701","urgency":1,"flags":[],"eta":"2026-11-23T10:20:00Z","bedCategory":"normal","overrideReason":null,"overriddenResources":[],"announcedBy":"crew:x","occurredAt":"2026-11-23T10:00:00Z"}"#
        let r = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: PatientAnnounced.eventType, schemaVersion: 1,
                              payload: Data(json.utf8), metadata: Data("{}".utf8))
        #expect(try codec.decodeAnnouncement(r) == (try codec.decodeAnnouncementWithJSONDecoder(r)))
        // A PatientArrived of schema 1 (before the hand-over was separate): both paths upcast it the same way — the
        // arrival is when it was reported, the hand-over as recorded.
        let v1 = #"{"handoverAt":"2026-11-23T10:25:00Z","header":{"announcementId":"A-1","district":"Rostock","hospitalId":"771003","unit":"RTW 1"},"occurredAt":"2026-11-23T10:30:00Z"}"#
        let old = RecordedEvent(position: 2, stream: StreamID("s"), streamVersion: 2, type: PatientArrived.eventType, schemaVersion: 1,
                                payload: Data(v1.utf8), metadata: Data("{}".utf8))
        let fastOld = FastEventDecoder.decodeAnnouncement(type: old.type, schemaVersion: 1, payload: old.payload)
        let slowOld = try codec.decodeAnnouncementWithJSONDecoder(old)
        #expect(fastOld != nil && fastOld == slowOld)
        #expect(try old.scanned { try codec.decodeAny($0) } == slowOld.map(LotseEvent.announcement))
        guard case let .arrived(a)? = fastOld else { Issue.record("expected PatientArrived"); return }
        #expect(a.arrivedAt == Timestamp(iso8601: "2026-11-23T10:30:00Z") && a.handoverAt == Timestamp(iso8601: "2026-11-23T10:25:00Z"))
    }

    /// Property: the fast encoder writes exactly what JSONEncoder writes (payload and metadata, byte for byte),
    /// with the same schema version, for random events with awkward text; and it covers the frequent types.
    @Test func fastEncoderWritesWhatJSONEncoderWrites() throws {
        var rng = SplitMix64(seed: 11)
        let texts = ["Personalmangel", "CT \"defekt\" \\ Ersatz / Umbau", "Zeile1\nZeile2\t\r🚑", "Ärztin – €", "\u{01}\u{1F}\u{7F}ctl", "", "\u{08}\u{0C}"]
        for n in 0..<3000 {
            let id = HospitalID(String(770_000 + n % 50))!
            let key = ResourceKey.all.randomElement(using: &rng)!
            let at = t0.adding(minutes: Double(Int.random(in: 0...100_000, using: &rng)) + 0.123)
            let m = EventMetadata(principal: Principal(role: .hospital, id: texts.randomElement(using: &rng)!), correlationId: "c-\(n)",
                                  idempotencyKey: n % 3 == 0 ? nil : texts.randomElement(using: &rng)!, command: "X")
            let header = AnnouncementHeader(announcementId: AnnouncementID("A-\(n)")!, hospitalId: id,
                                            district: DistrictID("Vorpommern-Rügen"), unit: texts.randomElement(using: &rng)!)
            var pairs: [(EventData, EventData)] = []
            let h: HospitalEvent = switch n % 5 {
            case 0: .statusReported(ResourceStatusReported(hospitalId: id, resource: key, status: n % 2 == 0 ? .available : .limited, occurredAt: at))
            case 1: .closed(ResourceClosed(hospitalId: id, resource: key, reason: texts.randomElement(using: &rng)!, until: at.adding(minutes: 30), occurredAt: at))
            case 2: .reopened(ResourceReopened(hospitalId: id, resource: key, occurredAt: at))
            case 3: .closureExpired(ResourceClosureExpired(hospitalId: id, resource: key, until: at, occurredAt: at))
            default: .bedsReported(BedCountsReported(hospitalId: id, beds: Dictionary(uniqueKeysWithValues: BedCategory.allCases.shuffled(using: &rng)
                .prefix(Int.random(in: 1...6, using: &rng)).map { ($0, BedCount(free: Int.random(in: 0...9, using: &rng), operable: 10_000,
                                    additional24h: Bool.random(using: &rng) ? Int.random(in: 0...20, using: &rng) : nil,
                                    additional72h: Bool.random(using: &rng) ? Int.random(in: 20...60, using: &rng) : nil)) }), occurredAt: at))
            }
            #expect(FastEventEncoder.payload(h) != nil)
            pairs.append((try codec.encode(h, metadata: m), try codec.encodeWithJSONEncoder(h, metadata: m)))
            let a: AnnouncementEvent = switch n % 3 {
            case 0: .announced(PatientAnnounced(
                header: header, pzc: "421701", urgency: .red, flags: n % 2 == 0 ? [] : [.traumaBay, .ventilated], eta: at,
                bedCategory: .icuHighCare, overrideReason: n % 2 == 0 ? nil : texts.randomElement(using: &rng)!,
                overriddenResources: n % 2 == 0 ? [] : [.strokeUnit], announcedBy: "crew:x", occurredAt: at))
            case 1: .acknowledged(AnnouncementAcknowledged(header: header, acknowledgedBy: "hospital:y", occurredAt: at))
            default: .arrived(PatientArrived(header: header, arrivedAt: at.adding(minutes: -1), handoverAt: n % 2 == 0 ? nil : at, occurredAt: at))
            }
            #expect(FastEventEncoder.payload(a) != nil)
            pairs.append((try codec.encode(a, metadata: m), try codec.encodeWithJSONEncoder(a, metadata: m)))
            for (fast, reference) in pairs {
                #expect(fast.payload == reference.payload, "\(String(decoding: fast.payload, as: UTF8.self)) ≠ \(String(decoding: reference.payload, as: UTF8.self))")
                #expect(fast.metadata == reference.metadata, "\(String(decoding: fast.metadata, as: UTF8.self))")
                #expect(fast.schemaVersion == reference.schemaVersion && fast.type == reference.type)
            }
            #expect(try codec.decodeWithJSONDecoder(recorded(pairs[0].0)) == h)
            #expect(try codec.decodeAnnouncementWithJSONDecoder(recorded(pairs[1].0)) == a)
            #expect(codec.metadata(of: recorded(pairs[0].0)) == m)
        }
    }

    @Test func unusualPayloadsFallBackToJSONDecoder() throws {
        // Escaped unicode, spaces and a different key order are all valid JSON the fast path must get right or decline.
        let json = #"{ "status" : "limited", "resource":"\u0063t", "occurredAt":"2026-11-23T10:00:00.000Z","hospitalId":"771003" }"#
        let r = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: "ResourceStatusReported", schemaVersion: 1,
                              payload: Data(json.utf8), metadata: Data("{}".utf8))
        #expect(try codec.decode(r) == .statusReported(ResourceStatusReported(
            hospitalId: HospitalID("771003")!, resource: .ct, status: .limited, occurredAt: t0)))
        // Times are parsed in place from their bytes; an escaped one takes the string path, a broken one is refused.
        let escapedTime = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: "ResourceReopened", schemaVersion: 1,
                                        payload: Data(#"{"hospitalId":"771003","occurredAt":"2026-11-23T10:00:00.000\u005A","resource":"ct"}"#.utf8),
                                        metadata: Data("{}".utf8))
        #expect(try codec.decode(escapedTime) == .reopened(ResourceReopened(hospitalId: HospitalID("771003")!, resource: .ct, occurredAt: t0)))
        let brokenTime = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: "ResourceReopened", schemaVersion: 1,
                                       payload: Data(#"{"hospitalId":"771003","occurredAt":"2026-11-23T10:00","resource":"ct"}"#.utf8),
                                       metadata: Data("{}".utf8))
        #expect(throws: (any Error).self) { try codec.decode(brokenTime) }
        // An extra key the fast path does not know: decoded by JSONDecoder (which ignores it).
        let extra = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: "ResourceReopened", schemaVersion: 1,
                                  payload: Data(#"{"hospitalId":"771003","resource":"ct","occurredAt":"2026-11-23T10:00:00Z","note":"x"}"#.utf8),
                                  metadata: Data("{}".utf8))
        #expect(try codec.decode(extra) == .reopened(ResourceReopened(hospitalId: HospitalID("771003")!, resource: .ct, occurredAt: t0)))
        // Keys are matched on their bytes: an escaped key (the encoders write none) declines the fast path, and the
        // reference decoder reads it — a resource key and a bed category alike.
        let escapedKey = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: "ResourceReopened", schemaVersion: 1,
                                       payload: Data(#"{"hospitalId":"771003","\u0072esource":"ct","occurredAt":"2026-11-23T10:00:00Z"}"#.utf8),
                                       metadata: Data("{}".utf8))
        #expect(FastEventDecoder.decode(type: escapedKey.type, schemaVersion: 1, payload: escapedKey.payload) == nil)
        #expect(try codec.decode(escapedKey) == .reopened(ResourceReopened(hospitalId: HospitalID("771003")!, resource: .ct, occurredAt: t0)))
        let escapedBeds = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: "BedCountsReported", schemaVersion: 1,
                                        payload: Data(#"{"beds":{"icu\u002dhigh-care":{"free":2,"operable":5}},"hospitalId":"771003","occurredAt":"2026-11-23T10:00:00Z"}"#.utf8),
                                        metadata: Data("{}".utf8))
        #expect(FastEventDecoder.decode(type: escapedBeds.type, schemaVersion: 1, payload: escapedBeds.payload) == nil)
        #expect(try codec.decode(escapedBeds) == .bedsReported(BedCountsReported(
            hospitalId: HospitalID("771003")!, beds: [.icuHighCare: BedCount(free: 2, operable: 5)], occurredAt: t0)))
        // A resource or status the vocabulary does not have is refused on both paths.
        let unknownResource = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: "ResourceReopened", schemaVersion: 1,
                                            payload: Data(#"{"hospitalId":"771003","occurredAt":"2026-11-23T10:00:00Z","resource":"c"}"#.utf8),
                                            metadata: Data("{}".utf8))
        #expect(throws: (any Error).self) { try codec.decode(unknownResource) }
        // Garbage is an error, not a silent nil.
        let bad = RecordedEvent(position: 1, stream: StreamID("s"), streamVersion: 1, type: "ResourceReopened", schemaVersion: 1,
                                payload: Data("{".utf8), metadata: Data("{}".utf8))
        #expect(throws: (any Error).self) { try codec.decode(bad) }
    }

    /// Every event is stored with its own type's schema version as the catalogue lists it — on the fast path and the
    /// reference path alike (the fast encoder once wrote a literal 1) — and a payload of another version never takes
    /// the fast decoder (it must go through an upcaster).
    @Test func everyEventIsStoredWithItsTypesSchemaVersion() throws {
        let id = HospitalID("771003")!
        let header = AnnouncementHeader(announcementId: AnnouncementID("A-1")!, hospitalId: id, district: DistrictID("Rostock"), unit: "RTW 1")
        let hospital: [HospitalEvent] = [
            .registered(HospitalRegistered(hospitalId: id, name: "Klinik", position: GeoPoint(lat: 54, lon: 12)!, district: DistrictID("Rostock"),
                                           notfallstufe: 2, kinderNotfallstufe: 0, profile: ResourceSet([.ct]), occurredAt: t0)),
            .profileChanged(HospitalProfileChanged(hospitalId: id, profile: ResourceSet([.ct, .mri]), notfallstufe: 3, kinderNotfallstufe: 1, occurredAt: t0)),
            .statusReported(ResourceStatusReported(hospitalId: id, resource: .ct, status: .limited, occurredAt: t0)),
            .closed(ResourceClosed(hospitalId: id, resource: .ct, reason: "Wartung", until: t0.adding(minutes: 30), occurredAt: t0)),
            .reopened(ResourceReopened(hospitalId: id, resource: .ct, occurredAt: t0)),
            .closureExpired(ResourceClosureExpired(hospitalId: id, resource: .ct, until: t0, occurredAt: t0)),
            .bedsReported(BedCountsReported(hospitalId: id, beds: [.normal: BedCount(free: 1, operable: 2)], occurredAt: t0)),
        ]
        let announcement: [AnnouncementEvent] = [
            .announced(PatientAnnounced(header: header, pzc: "421701", urgency: .red, flags: [], eta: t0, bedCategory: .normal, overrideReason: nil,
                                        overriddenResources: [], announcedBy: "crew:x", occurredAt: t0)),
            .acknowledged(AnnouncementAcknowledged(header: header, acknowledgedBy: "hospital:y", occurredAt: t0)),
            .arrived(PatientArrived(header: header, arrivedAt: t0, handoverAt: t0, occurredAt: t0)),
            .handedOver(PatientHandedOver(header: header, handoverAt: t0, offloadMinutes: 12.5, occurredAt: t0)),
            .cancelled(AnnouncementCancelled(header: header, reason: "x", occurredAt: t0)),
            .escalated(AnnouncementEscalated(header: header, waitedSeconds: 130, occurredAt: t0)),
        ]
        let listed = Dictionary(uniqueKeysWithValues: LotseEventCodec.eventTypes.map { ($0.name, $0.schemaVersion) })
        #expect(listed.count == hospital.count + announcement.count)
        #expect(listed["HospitalRegistered"] == 2, "the one type at version 2: a literal 1 anywhere would show here")
        var stored: [EventData] = []
        for e in hospital { stored += [try codec.encode(e, metadata: meta), try codec.encodeWithJSONEncoder(e, metadata: meta)] }
        for e in announcement { stored += [try codec.encode(e, metadata: meta), try codec.encodeWithJSONEncoder(e, metadata: meta)] }
        for d in stored { #expect(d.schemaVersion == listed[d.type], "\(d.type) stored as v\(d.schemaVersion)") }
        #expect(Set(stored.map(\.type)) == Set(listed.keys))
        // The hand-written layouts are those of the types' current versions, in the encoder and the decoder.
        for (type, layout) in FastEventEncoder.layoutVersions {
            #expect(listed[type] == layout, "fast layout of \(type) is v\(layout), the type is v\(listed[type] ?? 0): rewrite the layout")
            let sample = stored.first { $0.type == type }!
            let decodes = { (v: Int) in
                FastEventDecoder.decode(type: type, schemaVersion: v, payload: sample.payload) != nil
                    || FastEventDecoder.decodeAnnouncement(type: type, schemaVersion: v, payload: sample.payload) != nil
            }
            #expect(decodes(layout) && !decodes(layout + 1) && !decodes(layout - 1), "fast decoder of \(type) must read exactly v\(layout)")
        }
        // A status report claiming a newer version than Lotse writes: no fast path, no upcaster → an error, not a guess.
        var future = recorded(try codec.encode(hospital[2], metadata: meta))
        future = RecordedEvent(position: 1, stream: future.stream, streamVersion: 1, type: future.type, schemaVersion: 9, payload: future.payload, metadata: future.metadata)
        #expect(throws: (any Error).self) { try codec.decode(future) }
    }
}
