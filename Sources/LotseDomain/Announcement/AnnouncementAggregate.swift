/// The announcement aggregate (Voranmeldung): decide and evolve.
public struct AnnouncementAggregate: Sendable {
    public init() {}

    public static func decide(_ command: AnnouncementCommand, state: AnnouncementState?, now: Timestamp, by principal: Principal) throws(AnnouncementError) -> [AnnouncementEvent] {
        if case let .announce(r) = command {
            guard state == nil else { throw .alreadyExists(r.header.announcementId) }
            let unit = r.header.unit.trimmedWhitespace
            guard !unit.isEmpty, unit.count <= 64 else { throw .unitRequired }
            guard r.eta >= now.adding(minutes: -15), r.eta <= now.adding(minutes: 12 * 60) else { throw .etaOutOfRange(r.eta) }
            var reason: String? = nil
            if !r.blockingResources.isEmpty {
                guard let given = r.overrideReason?.trimmedWhitespace, !given.isEmpty else { throw .overrideReasonRequired(r.blockingResources) }
                guard given.count <= 500 else { throw .reasonRequired }
                reason = given
            }
            return [.announced(PatientAnnounced(
                header: r.header, pzc: r.pzc.description, urgency: r.pzc.urgency, flags: Array(Set(r.flags)).sorted(), eta: r.eta,
                bedCategory: r.bedCategory, overrideReason: reason, overriddenResources: reason == nil ? [] : r.blockingResources,
                announcedBy: principal.description, occurredAt: now))]
        }
        guard let s = state else { throw .notFound }
        let header = AnnouncementHeader(announcementId: s.id, hospitalId: s.hospitalId, district: s.district, unit: s.unit)
        switch command {
        case .announce:
            preconditionFailure("handled above")
        case .acknowledge:
            guard s.status.isEnRoute else { throw .closed(s.status) }
            guard s.status == .announced else { throw .alreadyAcknowledged }
            return [.acknowledged(AnnouncementAcknowledged(header: header, acknowledgedBy: principal.description, occurredAt: now))]
        case let .arrive(handoverAt):
            guard s.status.isEnRoute else { throw .closed(s.status) }
            let at = handoverAt ?? now
            guard at >= s.announcedAt, at <= now else { throw .handoverOutOfRange(at) }
            // Arrival and hand-over at once (the hospital reports both): one moment.
            return [.arrived(PatientArrived(header: header, arrivedAt: at, handoverAt: at, occurredAt: now))]
        case let .arriveAwaitingHandover(at):
            guard s.status.isEnRoute else { throw .closed(s.status) }
            let t = at ?? now
            guard t >= s.announcedAt, t <= now else { throw .arrivalOutOfRange(t) }
            return [.arrived(PatientArrived(header: header, arrivedAt: t, handoverAt: nil, occurredAt: now))]
        case let .handOver(at):
            guard s.status == .arrived, let arrived = s.arrivedAt else { throw s.status.isEnRoute ? .notArrived : .closed(s.status) }
            guard s.handoverAt == nil else { throw .alreadyHandedOver }
            let t = at ?? now
            guard t >= arrived, t <= now else { throw .handoverOutOfRange(t) }
            return [.handedOver(PatientHandedOver(header: header, handoverAt: t, offloadMinutes: (t.minutes(since: arrived) * 10).rounded() / 10,
                                                  occurredAt: now))]
        case let .cancel(reason):
            guard s.status.isEnRoute else { throw .closed(s.status) }
            let r = reason.trimmedWhitespace
            guard !r.isEmpty, r.count <= 500 else { throw .reasonRequired }
            return [.cancelled(AnnouncementCancelled(header: header, reason: r, occurredAt: now))]
        case let .escalate(threshold):
            let waited = Int64(now.minutes(since: s.announcedAt) * 60)
            guard s.status == .announced, s.urgency == .red, s.escalatedAt == nil, waited >= threshold else { return [] }
            return [.escalated(AnnouncementEscalated(header: header, waitedSeconds: waited, occurredAt: now))]
        }
    }

    public static func evolve(_ state: AnnouncementState?, _ event: AnnouncementEvent) -> AnnouncementState? {
        if case let .announced(e) = event {
            return AnnouncementState(
                id: e.header.announcementId, hospitalId: e.header.hospitalId, pzc: e.pzc, urgency: e.urgency, flags: e.flags, eta: e.eta,
                unit: e.header.unit, district: e.header.district, bedCategory: e.bedCategory, overrideReason: e.overrideReason,
                overriddenResources: e.overriddenResources, announcedAt: e.occurredAt, announcedBy: e.announcedBy, status: .announced,
                version: 1)
        }
        guard var s = state else { return nil }
        switch event {
        case .announced: break
        case let .acknowledged(e):
            s.status = .acknowledged
            s.acknowledgedAt = e.occurredAt
            s.acknowledgedBy = e.acknowledgedBy
        case let .arrived(e):
            s.status = .arrived
            s.arrivedAt = e.arrivedAt
            s.handoverAt = e.handoverAt
        case let .handedOver(e):
            s.handoverAt = e.handoverAt
        case let .cancelled(e):
            s.status = .cancelled
            s.cancelledAt = e.occurredAt
            s.cancelReason = e.reason
        case let .escalated(e):
            s.escalatedAt = e.occurredAt
        }
        s.version += 1
        return s
    }

    /// The announcements the escalation timer should look at: red, still unacknowledged, not yet escalated.
    public static func dueForEscalation(_ s: AnnouncementState, now: Timestamp, thresholdSeconds: Int64) -> Bool {
        s.status == .announced && s.urgency == .red && s.escalatedAt == nil && now.minutes(since: s.announcedAt) * 60 >= Double(thresholdSeconds)
    }
}
