import LotseDomain
import LotseSeed
import Testing

struct RequirementTableTests {
    let header = "rmi,name_de,group,required,preferred,min_notfallstufe,allowed_urgencies,pediatric_alternative,basis\n"

    @Test func loadsTheShippedTable() throws {
        let t = try ReferenceData.requirementTable()
        #expect(t.rows.count == 210)
        #expect(t.version.hasPrefix("0.1+"))
        let stroke = try #require(t[RMI("421")!])
        #expect(stroke.required == ResourceSet([.strokeUnit, .ct]))
        #expect(stroke.allowedUrgencies == [.red])
        #expect(stroke.minNotfallstufe == 1)
        for code in ["000", "111", "121", "122", "123", "631"] { #expect(t[RMI(code)!]?.isAllocationCode == false) }
    }

    @Test func pediatricSubstitutionReplacesTheAdultCounterpart() throws {
        let t = try ReferenceData.requirementTable()
        let rosc = try #require(t[RMI("132")!])   // required emergency-department;icu, alternative pediatric-icu
        #expect(rosc.resources(forAge: 40).required == ResourceSet([.emergencyDepartment, .icu]))
        #expect(rosc.resources(forAge: 5).required == ResourceSet([.emergencyDepartment, .pediatricICU]))
        #expect(rosc.resources(forAge: 17).required.contains(.pediatricICU))
        #expect(rosc.resources(forAge: 18).required.contains(.icu))
    }

    @Test func pediatricKeyWithoutCounterpartIsAdded() throws {
        let t = try RequirementTable.parse(csv: header + "222,SHT,g,emergency-department;ct,icu,1,1;2;3,pediatrics,x\n", declaredVersion: "t")
        let r = try #require(t[RMI("222")!])
        #expect(r.resources(forAge: 8).required == ResourceSet([.emergencyDepartment, .ct, .pediatrics]))
        // A counterpart in `preferred` is replaced there.
        let t2 = try RequirementTable.parse(csv: header + "286,Hitze,g,emergency-department,icu,1,1;2,pediatric-icu,x\n", declaredVersion: "t")
        let r2 = try #require(t2[RMI("286")!]).resources(forAge: 8)
        #expect(r2.required == ResourceSet([.emergencyDepartment]) && r2.preferred == ResourceSet([.pediatricICU]))
    }

    @Test func brokenTablesDoNotLoad() {
        #expect(throws: RequirementTableError.unknownResource(line: 2, key: "laser")) {
            try RequirementTable.parse(csv: header + "421,S,g,laser,,1,1,,x\n", declaredVersion: "t")
        }
        #expect(throws: RequirementTableError.badUrgency(line: 2, value: "4")) {
            try RequirementTable.parse(csv: header + "421,S,g,ct,,1,4,,x\n", declaredVersion: "t")
        }
        #expect(throws: RequirementTableError.duplicateRMI(line: 3, rmi: "421")) {
            try RequirementTable.parse(csv: header + "421,S,g,ct,,1,1,,x\n421,S,g,ct,,1,1,,x\n", declaredVersion: "t")
        }
        #expect(throws: RequirementTableError.missingColumn("group")) {
            try RequirementTable.parse(csv: "rmi,name_de\n421,S\n", declaredVersion: "t")
        }
        #expect(throws: RequirementTableError.allocationWithoutRequirements(line: 2, rmi: "421")) {
            try RequirementTable.parse(csv: header + "421,S,g,,,1,1,,x\n", declaredVersion: "t")
        }
    }

    @Test func versionChangesWithContent() throws {
        let a = try RequirementTable.parse(csv: header + "421,S,g,ct,,1,1,,x\n", declaredVersion: "0.1")
        let b = try RequirementTable.parse(csv: header + "421,S,g,ct,,2,1,,x\n", declaredVersion: "0.1")
        #expect(a.version != b.version)
    }

    @Test func csvReaderHandlesQuotes() {
        #expect(CSV.parse("a,\"b,c\",\"d \"\"e\"\"\"\r\n1,2,3\n") == [["a", "b,c", "d \"e\""], ["1", "2", "3"]])
    }
}
