import LotseDomain
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
}
