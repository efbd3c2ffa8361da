import LotseDomain
import LotseExport
import LotseSeed

/// Master data of the sites that is not in the log: the postal addresses of the MV hospital directory
/// (`mv_hospitals.csv`), for the exports. Sites registered otherwise have none.
enum HospitalDirectory {
    static func addresses() -> [HospitalID: PostalAddress] {
        let rows = (try? Seeder.registrations()) ?? []
        return Dictionary(rows.map { ($0.1.id, PostalAddress(street: $0.1.street, postalCode: $0.1.postcode, city: $0.1.city)) },
                          uniquingKeysWith: { a, _ in a })
    }
}
