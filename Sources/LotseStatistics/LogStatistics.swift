import Foundation
import LotseCapacity
import LotseDomain
import LotseEventStore
import LotseTelenotarzt

/// The statistics of one period, folded from the whole log: every event before the period's end is applied in log order
/// (what happened before the period — a closure still running, the last report of a resource — shapes what is
/// inside it), counts and durations are taken inside [from, to).
///
/// Per resource the projection keeps its condition and since when it holds, as the index does
/// (`ResourceCondition`); when the condition changes, the stretch that ends is measured: hours closed (until the
/// closure's `until` at the latest), hours unknown (never reported, or the last report older than the TTL — the rule
/// of `ResourceCondition.status`).
public struct LogStatistics: Sendable {
    public let from: Timestamp
    public let to: Timestamp
    public let scope: StatisticsScope
    public let ttlMinutes: Double

    private var hospitals: [HospitalID: HospitalFold] = [:]
    private var announcements: [AnnouncementID: AnnouncementFold] = [:]
    private var tna: TNAState
    private static let tnaCodec = TNAEventCodec()
    /// Dispatch questions per hour of the day (German time), summed over the period; whether the log has counts at all.
    private var dispatchByHour = [Int](repeating: 0, count: 24)
    private var dispatchCounted = false

    public init(from: Timestamp, to: Timestamp, scope: StatisticsScope = .all, ttlMinutes: Double) {
        self.from = from
        self.to = to
        self.scope = scope
        self.ttlMinutes = ttlMinutes
        tna = TNAState(network: TNANetwork(centres: []))
    }

    struct ResourceFold: Sendable {
        var condition: ResourceCondition = .notReported
        /// When the current condition began to hold (the event's time), or when the resource entered the profile.
        var since: Timestamp
        var closedSeconds: Double = 0
        var unknownSeconds: Double = 0
        /// Seconds the resource was in the profile inside the period.
        var observedSeconds: Double = 0
        /// Whether the resource is in the hospital's profile now (out of it, time is not measured; its condition stays,
        /// as in the domain, where a profile change replaces only the profile).
        var inProfile = true
        /// The closure running now, when it began in the period (its outcome is counted).
        var counted: (until: Timestamp, reopened: Bool)? = nil
        var closures = 0, expired = 0, reopened = 0, replaced = 0
        var reasons: [String: Int] = [:]
    }

    struct HospitalFold: Sendable {
        var name: String
        var district: DistrictID
        var resources: [ResourceKey: ResourceFold] = [:]
        var announced = 0, acknowledged = 0, cancelledBeforeAck = 0, escalated = 0, overrides = 0
        var ackMinutes: [Double] = []
        var overrideReasons: [String: Int] = [:]
        var offloadMinutes: [Double] = []
    }

    struct AnnouncementFold: Sendable {
        let hospital: HospitalID
        let announcedAt: Timestamp
        let inPeriod: Bool
        var acknowledged = false
        var cancelled = false
    }

    /// Seconds of [a, b) inside the period.
    private func overlap(_ a: Timestamp, _ b: Timestamp) -> Double {
        let start = max(a.millis, from.millis), end = min(b.millis, to.millis)
        return end > start ? Double(end - start) / 1000 : 0
    }

    private func inPeriod(_ t: Timestamp) -> Bool { t >= from && t < to }

    /// Measures the stretch [r.since, t) of the condition that held, then lets `t` begin the next.
    private func measure(_ r: inout ResourceFold, until t: Timestamp) {
        defer { r.since = t }
        guard r.inProfile else { return }
        let ttl = Int64(ttlMinutes * 60_000)
        r.observedSeconds += overlap(r.since, t)
        switch r.condition {
        case .notReported:
            r.unknownSeconds += overlap(r.since, t)
        case let .reported(_, since):
            r.unknownSeconds += overlap(max(r.since, Timestamp(millis: since.millis + ttl)), t)
        case let .closed(_, until, _):
            r.closedSeconds += overlap(r.since, min(t, until))
            // After `until` the closure has reopened by itself (available since `until`), unknown after the TTL.
            r.unknownSeconds += overlap(max(r.since, Timestamp(millis: until.millis + ttl)), t)
        }
    }

    /// Applies one stored event (events of other kinds are skipped). Events must come in log order.
    public mutating func apply(_ record: RecordedEvent, codec: LotseEventCodec = .standard) throws {
        if record.stream.rawValue == DispatchQueriesCounted.stream {
            guard record.type == DispatchQueriesCounted.eventType else { return }
            let e = try JSONDecoder().decode(DispatchQueriesCounted.self, from: record.payload)
            dispatchCounted = true
            if inPeriod(e.hourStart) { dispatchByHour[GermanTime.components(e.hourStart).hour] += e.queries }
            return
        }
        if record.stream == TNADispatchAggregate.stream {
            // Up to the period's end: the figures are the period's, not today's.
            guard scope.includesTelenotarzt, let e = try Self.tnaCodec.decode(record), e.at < to else { return }
            TNADispatchAggregate.apply(&tna, e)
            return
        }
        switch try codec.decodeAny(record) {
        case let .hospital(e)?: apply(e)
        case let .announcement(e)?: apply(e)
        case nil: return
        }
    }

    mutating func apply(_ event: HospitalEvent) {
        // A capacity event after the period changes nothing inside it.
        let t = event.occurredAt
        guard t < to else { return }
        switch event {
        case let .registered(e):
            guard scope.includes(hospital: e.hospitalId, district: e.district) else { return }
            var h = HospitalFold(name: e.name, district: e.district)
            for k in e.profile.keys { h.resources[k] = ResourceFold(since: t) }
            hospitals[e.hospitalId] = h
        case let .profileChanged(e):
            guard var h = hospitals[e.hospitalId] else { return }
            for k in Set(h.resources.keys).union(e.profile.keys) {
                var r = h.resources[k] ?? ResourceFold(since: t)
                measure(&r, until: t)
                r.inProfile = e.profile.contains(k)
                h.resources[k] = r
            }
            hospitals[e.hospitalId] = h
        case let .statusReported(e):
            change(e.hospitalId, e.resource, at: t, to: .reported(e.status, since: t), ending: .replaced)
        case let .closed(e):
            change(e.hospitalId, e.resource, at: t, to: .closed(reason: e.reason, until: e.until, since: t), ending: .replaced)
            guard inPeriod(t), var r = hospitals[e.hospitalId]?.resources[e.resource] else { return }
            r.closures += 1
            r.reasons[e.reason, default: 0] += 1
            r.counted = (e.until, false)
            hospitals[e.hospitalId]!.resources[e.resource] = r
        case let .reopened(e):
            change(e.hospitalId, e.resource, at: t, to: .reported(.available, since: t), ending: .reopened)
        case let .closureExpired(e):
            change(e.hospitalId, e.resource, at: t, to: .reported(.available, since: e.until), ending: .expired)
        case .bedsReported:
            return
        }
    }

    enum Ending { case expired, reopened, replaced }

    /// A resource's condition changes at `t`: the stretch before is measured, a counted closure gets its outcome.
    private mutating func change(_ h: HospitalID, _ k: ResourceKey, at t: Timestamp, to condition: ResourceCondition, ending: Ending) {
        guard var r = hospitals[h]?.resources[k] else { return }
        measure(&r, until: t)
        if let c = r.counted {
            // A closure whose `until` had passed ended by itself, whatever event came after it.
            if c.until <= t { r.expired += 1 }
            else if ending == .reopened { r.reopened += 1 }
            else if ending == .expired { r.expired += 1 }
            else { r.replaced += 1 }
            r.counted = nil
        }
        r.condition = condition
        hospitals[h]!.resources[k] = r
    }

    mutating func apply(_ event: AnnouncementEvent) {
        let t = event.occurredAt
        let header = event.header
        // A hand-over counts in the period of its time, which may be reported later (backdated); everything else
        // after the period changes nothing inside it.
        switch event {
        case .arrived, .handedOver: break
        default: guard t < to else { return }
        }
        switch event {
        case let .announced(e):
            // Announcements count for the receiving hospital, when it is in the scope — for a Leitstelle only its own
            // districts' announcements (what it may see one by one, `maySee`).
            guard hospitals[header.hospitalId] != nil else { return }
            if case let .districts(ds) = scope, !ds.contains(header.district) { return }
            let counted = inPeriod(t)
            announcements[header.announcementId] = AnnouncementFold(hospital: header.hospitalId, announcedAt: t, inPeriod: counted)
            guard counted else { return }
            hospitals[header.hospitalId]!.announced += 1
            if let reason = e.overrideReason {
                hospitals[header.hospitalId]!.overrides += 1
                hospitals[header.hospitalId]!.overrideReasons[reason, default: 0] += 1
            }
        case .acknowledged:
            guard var a = announcements[header.announcementId], !a.acknowledged else { return }
            a.acknowledged = true
            announcements[header.announcementId] = a
            guard a.inPeriod, hospitals[a.hospital] != nil else { return }
            hospitals[a.hospital]!.acknowledged += 1
            hospitals[a.hospital]!.ackMinutes.append(t.minutes(since: a.announcedAt))
        case let .arrived(e):
            guard let handover = e.handoverAt, inPeriod(handover), counts(header) else { return }
            hospitals[header.hospitalId]!.offloadMinutes.append(handover.minutes(since: e.arrivedAt))
        case let .handedOver(e):
            guard inPeriod(e.handoverAt), counts(header) else { return }
            hospitals[header.hospitalId]!.offloadMinutes.append(e.offloadMinutes)
        case .cancelled:
            guard var a = announcements[header.announcementId], !a.cancelled else { return }
            a.cancelled = true
            announcements[header.announcementId] = a
            if a.inPeriod, !a.acknowledged, hospitals[a.hospital] != nil { hospitals[a.hospital]!.cancelledBeforeAck += 1 }
        case .escalated:
            guard inPeriod(t), counts(header) else { return }
            hospitals[header.hospitalId]!.escalated += 1
        }
    }

    /// Whether an announcement's events count here: its hospital is in the scope (and, for a Leitstelle, the
    /// announcement is of one of its districts).
    private func counts(_ header: AnnouncementHeader) -> Bool {
        guard hospitals[header.hospitalId] != nil else { return false }
        if case let .districts(ds) = scope { return ds.contains(header.district) }
        return true
    }

    /// The report: the stretches still open are measured up to the period's end.
    public func report() -> StatisticsReport {
        var out: [StatisticsReport.Hospital] = []
        var totals = (closures: 0, hours: 0.0, announced: 0, escalated: 0, overrides: 0, handovers: 0)
        for (id, var h) in hospitals.sorted(by: { $0.key < $1.key }) {
            var closures: [StatisticsReport.Closures] = [], unknown: [StatisticsReport.UnknownShare] = []
            for k in h.resources.keys.sorted() {
                var r = h.resources[k]!
                if r.since < to { measure(&r, until: to) }
                var stillClosed = 0
                if let c = r.counted {
                    if c.until <= to { r.expired += 1 } else { stillClosed = 1 }
                }
                h.resources[k] = r
                if r.closures > 0 || r.closedSeconds > 0 {
                    closures.append(.init(
                        resource: k, label: k.germanLabel, count: r.closures, hours: (r.closedSeconds / 360).rounded() / 10,
                        reasons: Self.counts(r.reasons), expired: r.expired, reopened: r.reopened, replaced: r.replaced, stillClosed: stillClosed))
                }
                if r.observedSeconds > 0 {
                    unknown.append(.init(resource: k, label: k.germanLabel, share: (r.unknownSeconds / r.observedSeconds * 1000).rounded() / 1000))
                }
            }
            let unacknowledged = announcements.values.filter { $0.hospital == id && $0.inPeriod && !$0.acknowledged && !$0.cancelled }.count
            out.append(.init(
                hospitalId: id, name: h.name, district: h.district.rawValue, closures: closures, unknownShare: unknown,
                announcements: .init(
                    announced: h.announced, acknowledged: h.acknowledged, acknowledgementMinutes: .of(h.ackMinutes), unacknowledged: unacknowledged,
                    cancelledBeforeAcknowledgement: h.cancelledBeforeAck, escalated: h.escalated, overrides: h.overrides,
                    overrideReasons: Self.counts(h.overrideReasons)),
                offload: .init(handovers: h.offloadMinutes.count, minutes: .of(h.offloadMinutes))))
            totals.closures += closures.map(\.count).reduce(0, +)
            totals.hours += closures.map(\.hours).reduce(0, +)
            totals.announced += h.announced
            totals.escalated += h.escalated
            totals.overrides += h.overrides
            totals.handovers += h.offloadMinutes.count
        }
        var telenotarzt: StatisticsReport.Telenotarzt? = nil
        if scope.includesTelenotarzt {
            let districts: Set<DistrictID>? = if case let .districts(ds) = scope { ds } else { nil }
            let r = TNAReport(tna, from: from, to: to, districts: districts)
            func q(_ x: (median: Double, p90: Double)?) -> StatisticsReport.Quantiles? { x.map { .init(median: $0.median.rounded(), p90: $0.p90.rounded()) } }
            telenotarzt = .init(
                requested: r.requested, ended: r.ended, cancelled: r.cancelled, escalated: r.escalated, stillOpen: r.stillOpen,
                offersMissed: r.offersMissed, backupAlerts: r.backupAlerts, leitstelleAlerts: r.leitstelleAlerts,
                requestToOfferSeconds: q(r.requestToOffer), requestToConnectedSeconds: q(r.requestToConnected))
        }
        let scopeText = switch scope {
        case .all: "all"
        case let .districts(ds): "districts: " + ds.map(\.rawValue).sorted().joined(separator: ", ")
        case let .hospital(h): "hospital: \(h)"
        }
        return StatisticsReport(
            from: from, to: to, scope: scopeText, statusTTLHours: ttlMinutes / 60, hospitals: out,
            totals: .init(closures: totals.closures, closedHours: (totals.hours * 10).rounded() / 10, announced: totals.announced,
                          escalated: totals.escalated, overrides: totals.overrides, handovers: totals.handovers),
            telenotarzt: telenotarzt, dispatchQueriesPerHour: dispatchFigures, notes: notes)
    }

    /// The questions per hour of the day for the whole network (they are counted per node, not per district or
    /// hospital); nil where there is no such figure.
    private var dispatchFigures: [Int]? { scope == .all && dispatchCounted ? dispatchByHour : nil }

    private var notes: [String] {
        if scope != .all { return ["Dispatch-Anfragen werden je Knoten gezählt, nicht je Kreis oder Klinik: nur in der Gesamtstatistik."] }
        if !dispatchCounted { return ["Dispatch-Anfragen: dieses Protokoll enthält keine Zählung (vor der Zählung geschrieben)."] }
        return ["Dispatch-Anfragen je Stunde des Tages (deutsche Zeit), im Zeitraum summiert; je Knoten stündlich ins Protokoll geschrieben."]
    }

    static func counts(_ d: [String: Int]) -> [StatisticsReport.Count] {
        d.map { StatisticsReport.Count(text: $0.key, count: $0.value) }.sorted { ($0.count, $1.text) > ($1.count, $0.text) }
    }

    /// Reads the whole log in pages and folds it (a hand-over reported after the period's end may belong to it).
    public static func compute(from: Timestamp, to: Timestamp, scope: StatisticsScope, ttlMinutes: Double, store: any EventStore,
                               progress: ((Int64) -> Void)? = nil) async throws -> StatisticsReport {
        var fold = LogStatistics(from: from, to: to, scope: scope, ttlMinutes: ttlMinutes)
        var after: Int64 = 0
        while true {
            let page = try await store.read(after: after, limit: 4096)
            guard let last = page.last else { break }
            for r in page { try fold.apply(r) }
            after = last.position
            progress?(after)
        }
        return fold.report()
    }
}
