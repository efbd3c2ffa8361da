import LotseDomain
import LotseMANV
import LotseStatistics
import LotseTelenotarzt
import LotseTokens

/// Who may see and do what, by role and scope (DESIGN §6): the one place routes ask.
extension AuthenticatedPrincipal {
    /// May this caller see an announcement: the target hospital, dispatchers of its district, the announcing unit,
    /// admins. (Telenotärzte see consultations, not announcements.)
    public func maySee(_ h: AnnouncementHeader) -> Bool {
        switch role {
        case .admin: true
        case .hospital: covers(h.hospitalId.rawValue)
        case .dispatcher: covers(h.district.rawValue)
        case .crew: covers(h.unit)
        case .physician: false
        }
    }

    /// May this caller announce or cancel for `district` and `unit`: dispatchers of that district, the crew of that
    /// unit, admins.
    public func mayAnnounce(district: DistrictID, unit: String) -> Bool {
        switch role {
        case .admin: true
        case .dispatcher: covers(district.rawValue)
        case .crew: covers(unit)
        case .hospital, .physician: false
        }
    }

    /// May this caller change the data of `hospital`? Only the hospital itself (in scope) and admins.
    public func mayChange(hospital: HospitalID) -> Bool {
        switch role {
        case .admin: true
        case .hospital: covers(hospital.rawValue)
        case .dispatcher, .crew, .physician: false
        }
    }

    /// May this caller report that the patient of an announcement arrived: the receiving hospital, the crew of the
    /// announcing unit (from the ambulance), admins.
    public func mayReportArrival(_ h: AnnouncementHeader) -> Bool {
        switch role {
        case .admin: true
        case .hospital: covers(h.hospitalId.rawValue)
        case .crew: covers(h.unit)
        case .dispatcher, .physician: false
        }
    }

    /// Consultations of districts the caller may see: their centre's (physician), their districts (dispatcher),
    /// their unit (crew), admin all.
    public func maySee(_ r: ConsultationRequest, in network: TNANetwork) -> Bool {
        switch role {
        case .admin: true
        case .physician: scope.contains { network.serves(CentreID($0), r.district, overflow: true) }
        case .dispatcher: covers(r.district.rawValue)
        case .crew: covers(r.unit)
        case .hospital: false
        }
    }

    /// May this caller see the physicians of `centre` (who is on duty): their own centre (physician), the centres
    /// serving their districts, backup centres included (dispatcher), admins.
    public func maySee(physicianOf centre: CentreID, in network: TNANetwork) -> Bool {
        switch role {
        case .admin: true
        case .physician: covers(centre.rawValue)
        case .dispatcher: covers("*") || scope.contains { network.serves(centre, DistrictID($0), overflow: true) }
        case .hospital, .crew: false
        }
    }

    /// Whether a Telenotarzt event may go to the caller's event stream, given the dispatch state.
    public func maySee(_ e: TNAEvent, in s: TNAState) -> Bool {
        if role == .admin { return true }
        switch e {
        case let .requested(r, _): return maySee(r, in: s.network)
        case let .physicianSignedOn(_, centre, _, _): return role == .physician && covers(centre.rawValue)
        case let .physicianPaused(id, _), let .physicianResumed(id, _), let .physicianSignedOff(id, _):
            return role == .physician && s.physicians[id].map { covers($0.centre.rawValue) } == true
        default:
            guard let id = e.consultationId, let c = s.consultations[id] else { return false }
            return maySee(c.request, in: s.network)
        }
    }
}

extension AuthenticatedPrincipal {
    /// Whose statistics this caller may read, for the district(s) or hospital asked for (nothing asked: all it may
    /// see): admins anything; a dispatcher its districts; a hospital itself. Throws 403 for anything else.
    func statisticsScope(districts: [DistrictID], hospital: HospitalID?) throws -> StatisticsScope {
        switch role {
        case .admin:
            if let hospital {
                guard districts.isEmpty else { throw Problem.badRequest("„district“ und „hospital“ schließen sich aus", field: "hospital") }
                return .hospital(hospital)
            }
            return districts.isEmpty ? .all : .districts(Set(districts))
        case .dispatcher:
            guard hospital == nil else { throw Problem.forbidden("Leitstellen sehen die Statistik ihrer Kreise, nicht einzelner Kliniken") }
            if districts.isEmpty { return scope.contains("*") ? .all : .districts(Set(scope.map { DistrictID($0) })) }
            guard let other = districts.first(where: { !covers($0.rawValue) }) else { return .districts(Set(districts)) }
            throw Problem.forbidden("Kreis \(other) gehört nicht zu dieser Leitstelle")
        case .hospital:
            guard districts.isEmpty else { throw Problem.forbidden("Kliniken sehen ihre eigene Statistik, nicht die eines Kreises") }
            if let hospital {
                guard covers(hospital.rawValue) else { throw Problem.forbidden("Klinik \(hospital) gehört nicht zu diesem Zugang") }
                return .hospital(hospital)
            }
            guard scope.count == 1, let only = scope.first, only != "*", let id = HospitalID(only) else {
                throw Problem.badRequest("Mehrere Kliniken in diesem Zugang: „hospital“ angeben", field: "hospital")
            }
            return .hospital(id)
        case .crew, .physician:
            throw Problem.forbidden("Statistik: nur Verwaltung, Leitstellen und Kliniken")
        }
    }

    /// May this caller lead a MANV incident of `district` (open it, plan, confirm, change, remind, close): dispatchers
    /// of the district, admins.
    public func mayLead(manvIn district: DistrictID) -> Bool {
        switch role {
        case .admin: true
        case .dispatcher: covers(district.rawValue)
        case .hospital, .crew, .physician: false
        }
    }

    /// May this caller see a MANV incident: those who lead it; a hospital that was asked (its own part of it).
    public func maySee(_ incident: MANVIncident) -> Bool {
        switch role {
        case .admin: true
        case .dispatcher: covers(incident.district.rawValue)
        case .hospital: incident.asked.contains { covers($0.hospitalId.rawValue) }
        case .crew, .physician: false
        }
    }
}
