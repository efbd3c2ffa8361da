/// The hospital-site aggregate: `decide` checks a command against the state, `evolve` applies an event.
public struct HospitalAggregate: Sendable {
    public init() {}

    /// Longest closure a hospital may declare in one go; longer ones must be renewed (keeps data fresh).
    public static let maxClosureHours: Int64 = 7 * 24

    /// Decides which events a command produces, or refuses it. `now` is the command's time.
    public static func decide(_ command: HospitalCommand, state: HospitalState?, now: Timestamp) throws(HospitalError) -> [HospitalEvent] {
        if case let .register(r) = command {
            guard state == nil else { throw .alreadyRegistered(r.id) }
            let name = r.name.trimmedWhitespace
            guard !name.isEmpty, name.count <= 200 else { throw .invalidName }
            guard (0...3).contains(r.notfallstufe), (0...3).contains(r.kinderNotfallstufe) else { throw .invalidNotfallstufe }
            return [.registered(HospitalRegistered(
                hospitalId: r.id, name: name, position: r.position, district: r.district, notfallstufe: r.notfallstufe,
                kinderNotfallstufe: r.kinderNotfallstufe, profile: r.profile, occurredAt: now))]
        }
        guard let s = state else { throw .notRegistered }
        switch command {
        case .register:
            preconditionFailure("handled above")
        case let .changeProfile(profile, stufe, kinder):
            guard (0...3).contains(stufe), (0...3).contains(kinder) else { throw .invalidNotfallstufe }
            if profile == s.profile, stufe == s.notfallstufe, kinder == s.kinderNotfallstufe { return [] }
            return [.profileChanged(HospitalProfileChanged(
                hospitalId: s.id, profile: profile, notfallstufe: stufe, kinderNotfallstufe: kinder, occurredAt: now))]
        case let .reportStatus(key, status):
            guard s.profile.contains(key) else { throw .resourceNotInProfile(key) }
            if case .closed = s.condition(key).settled(at: now) { throw .resourceClosed(key) }
            return [.statusReported(ResourceStatusReported(hospitalId: s.id, resource: key, status: status, occurredAt: now))]
        case let .close(key, reason, until):
            guard s.profile.contains(key) else { throw .resourceNotInProfile(key) }
            let r = reason.trimmedWhitespace
            guard !r.isEmpty, r.count <= 500 else { throw .reasonRequired }
            guard until > now else { throw .untilNotInFuture(until) }
            guard until <= now.adding(seconds: maxClosureHours * 3600) else { throw .untilTooFar(until) }
            return [.closed(ResourceClosed(hospitalId: s.id, resource: key, reason: r, until: until, occurredAt: now))]
        case let .reopen(key):
            guard s.profile.contains(key) else { throw .resourceNotInProfile(key) }
            guard case .closed = s.condition(key).settled(at: now) else { throw .notClosed(key) }
            return [.reopened(ResourceReopened(hospitalId: s.id, resource: key, occurredAt: now))]
        case let .expireClosure(key):
            guard case let .closed(_, until, _) = s.condition(key), until <= now else { return [] }
            return [.closureExpired(ResourceClosureExpired(hospitalId: s.id, resource: key, until: until, occurredAt: now))]
        case let .reportBeds(beds):
            guard !beds.isEmpty else { throw .noBedCounts }
            for (cat, c) in beds.sorted(by: { $0.key < $1.key }) {
                guard c.isValid else {
                    throw .invalidBedCount(cat)
                }
            }
            return [.bedsReported(BedCountsReported(hospitalId: s.id, beds: beds, occurredAt: now))]
        case let .confirmAll(maxAge):
            return s.profile.keys.compactMap { key in
                guard case let .reported(status, since) = s.condition(key).settled(at: now), now.minutes(since: since) <= maxAge else { return nil }
                return .statusReported(ResourceStatusReported(hospitalId: s.id, resource: key, status: status, occurredAt: now))
            }
        }
    }

    /// Applies an event. Never fails and holds no rules: an event is a fact.
    public static func evolve(_ state: HospitalState?, _ event: HospitalEvent) -> HospitalState? {
        if case let .registered(e) = event { return HospitalState(registered: e) }
        guard var s = state else { return nil }
        apply(event, to: &s)
        return s
    }

    /// `evolve` in place, for projections that hold many states (no copy of the conditions per event).
    /// A registration of an existing state is ignored (the stream's first event creates the state).
    public static func apply(_ event: HospitalEvent, to s: inout HospitalState) {
        switch event {
        case .registered:
            return
        case let .profileChanged(e):
            s.profile = e.profile
            s.notfallstufe = e.notfallstufe
            s.kinderNotfallstufe = e.kinderNotfallstufe
        case let .statusReported(e):
            s.conditions[e.resource.index] = .reported(e.status, since: e.occurredAt)
        case let .closed(e):
            s.conditions[e.resource.index] = .closed(reason: e.reason, until: e.until, since: e.occurredAt)
        case let .reopened(e):
            s.conditions[e.resource.index] = .reported(.available, since: e.occurredAt)
        case let .closureExpired(e):
            s.conditions[e.resource.index] = .reported(.available, since: e.until)
        case let .bedsReported(e):
            s.beds = BedReport(counts: e.beds, reportedAt: e.occurredAt)
        }
        s.version += 1
    }

    /// Closures of `state` whose `until` has passed at `now`: the timer turns each into `expireClosure`.
    public static func dueExpiries(_ state: HospitalState, now: Timestamp) -> [ResourceKey] {
        ResourceKey.allCases.filter {
            if case let .closed(_, until, _) = state.condition($0) { return until <= now }
            return false
        }
    }
}

/// Why a hospital command was refused. Each case says what the caller should do.
public enum HospitalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The id is taken; change the profile instead.
    case alreadyRegistered(HospitalID)
    /// Register the hospital first (or check the id).
    case notRegistered
    /// Give a name of 1–200 characters.
    case invalidName
    /// Notfallstufe and Kinder-Notfallstufe are 0–3.
    case invalidNotfallstufe
    /// The site does not have this resource; report only resources of its profile.
    case resourceNotInProfile(ResourceKey)
    /// The resource is closed; reopen it first (or let the closure expire).
    case resourceClosed(ResourceKey)
    /// A closure needs a reason (1–500 characters).
    case reasonRequired
    /// `until` must be in the future.
    case untilNotInFuture(Timestamp)
    /// `until` may be at most 7 days ahead; renew the closure later.
    case untilTooFar(Timestamp)
    /// Only a closed resource can be reopened.
    case notClosed(ResourceKey)
    /// Report at least one bed category.
    case noBedCounts
    /// Beds must be 0 ≤ free ≤ operable.
    case invalidBedCount(BedCategory)

    public var description: String {
        switch self {
        case let .alreadyRegistered(id): "Klinik \(id) ist bereits registriert / hospital already registered"
        case .notRegistered: "Klinik ist nicht registriert / hospital not registered"
        case .invalidName: "Name fehlt oder ist länger als 200 Zeichen / name must be 1–200 characters"
        case .invalidNotfallstufe: "Notfallstufe muss 0–3 sein / emergency level must be 0–3"
        case let .resourceNotInProfile(k): "\(k.germanLabel) (\(k.rawValue)) gehört nicht zum Profil der Klinik / resource not in the hospital's profile"
        case let .resourceClosed(k): "\(k.germanLabel) ist abgemeldet – zuerst wieder anmelden / resource is closed, reopen it first"
        case .reasonRequired: "Eine Abmeldung braucht einen Grund (1–500 Zeichen) / a closure needs a reason"
        case let .untilNotInFuture(t): "„bis“ (\(GermanTime.dateTime(t))) liegt nicht in der Zukunft / until must be in the future"
        case let .untilTooFar(t): "„bis“ (\(GermanTime.dateTime(t))) liegt mehr als 7 Tage in der Zukunft / until at most 7 days ahead"
        case let .notClosed(k): "\(k.germanLabel) ist nicht abgemeldet / resource is not closed"
        case .noBedCounts: "Keine Bettenzahlen angegeben / no bed counts given"
        case let .invalidBedCount(c): "Bettenzahl \(c.germanLabel) ungültig: 0 ≤ frei ≤ betreibbar, zusätzlich in 72 h ≥ in 24 h ≥ 0 / beds must be 0 ≤ free ≤ operable, 0 ≤ additional 24 h ≤ 72 h"
        }
    }
}

extension String {
    /// Without leading and trailing whitespace (the core has no Foundation string helpers).
    public var trimmedWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
