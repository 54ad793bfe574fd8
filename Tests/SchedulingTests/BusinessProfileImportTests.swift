import Foundation
import SQLiteStore
import Scheduling
import Testing

@Suite struct BusinessProfileImportTests {
    static let exampleURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("env/business.example.json")

    @Test func theExampleFileIsTheDemoBusiness() throws {
        let data = try Data(contentsOf: Self.exampleURL)
        let decoded = try JSONDecoder().decode(BusinessProfile.self, from: data)
        #expect(decoded == DemoBusiness.profile)
    }

    @Test func anImportedProfileReadsBackUnchanged() throws {
        let book = try AppointmentBook(path: TestBook.temporaryPath())
        var profile = DemoBusiness.profile
        try book.importProfile(profile, now: TestBook.now)
        profile.patients = nil
        #expect(try book.profile() == profile)
        #expect(try book.patients(byPhone: "+12125550105").count == 2)
        // Importing again replaces the configuration and keeps the patients once.
        try book.importProfile(DemoBusiness.profile, now: TestBook.now)
        #expect(try book.profile() == profile)
        #expect(try book.patients(byPhone: "+12125550105").count == 2)
    }

    @Test func reimportingKeepsPatientsPreferredProvidersAndRefusesToDropAProviderStillBooked() throws {
        let book = try TestBook.make()
        let patient = try book.createPatient(NewPatient(firstName: "Pia", lastName: "Lund", dateOfBirth: "1980-02-03", preferredProviderID: "bob"),
                                             now: TestBook.now)
        _ = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob",
                                         start: TestBook.local("2026-03-03", "10:00")), now: TestBook.now)
        // When the same profile is imported again (a PUT of what a GET returned)
        try book.importProfile(TestBook.clinic, now: TestBook.now)
        // Then the patient still prefers Bob
        #expect(try book.patient(id: patient.id)?.preferredProviderID == "bob")
        // and a profile without Bob, who still has an appointment, is refused whole
        var withoutBob = TestBook.clinic
        withoutBob.providers.removeAll { $0.id == "bob" }
        withoutBob.services = withoutBob.services.map { var service = $0; service.providers.removeAll { $0 == "bob" }; return service }
        withoutBob.overrides.removeAll { $0.provider == "bob" }
        #expect(throws: SchedulingError.invalid(
            field: "providers",
            message: "'bob' is still on 1 appointment or live hold; keep it in the profile (past appointments keep their history)")) {
            try book.importProfile(withoutBob, now: TestBook.now)
        }
        #expect(try book.profile().providers.map(\.id) == ["alice", "bob"])
    }

    @Test func missingOptionalArraysDecodeAsEmpty() throws {
        let json = """
            {"business": {"name": "Tiny", "time_zone": "Europe/Paris"},
             "locations": [{"id": "a", "name": "A", "hours": [{"day": "monday", "open": "09:00", "close": "12:00"}]}],
             "providers": [{"id": "p", "name": "P", "locations": ["a"], "hours": [{"day": "monday", "open": "09:00", "close": "12:00"}]}],
             "services": [{"id": "s", "name": "S", "duration_minutes": 20, "providers": ["p"]}]}
            """
        let profile = try JSONDecoder().decode(BusinessProfile.self, from: Data(json.utf8))
        #expect(profile.overrides.isEmpty)
        #expect(profile.business.faq.isEmpty)
        #expect(profile.bookingRules == BookingRules())
        #expect(profile.services[0].bufferAfterMinutes == 0)
        #expect(profile.providers[0].specialties.isEmpty)
        let book = try AppointmentBook(path: TestBook.temporaryPath())
        try book.importProfile(profile)
        #expect(try book.profile().business.timeZone == "Europe/Paris")
    }

    /// Each bad file is refused naming the place, and the database is left exactly as it was.
    @Test(arguments: [
        ("unknown time zone", "business.time_zone"),
        ("overlapping hours", "providers[1].hours[2]: overlaps providers[1].hours[0]"),
        ("service without provider", "services[1].providers: no provider offers"),
        ("unknown provider", "services[0].providers[1]: unknown provider \"nobody\""),
        ("unknown location", "providers[0].locations[0]: unknown location \"mars\""),
        ("malformed phone", "patients[0].phone: malformed phone number"),
        ("override for unknown provider", "overrides[0].provider: unknown provider"),
    ])
    func badFilesAreRefusedAndChangeNothing(problem: String, expected: String) throws {
        let book = try TestBook.make()
        let patient = try TestBook.patient(book)
        let booked = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob",
                                                  start: TestBook.local("2026-03-03", "10:00")), now: TestBook.now)
        let before = try book.profile()
        var bad = TestBook.clinic
        switch problem {
        case "unknown time zone": bad.business.timeZone = "America/Atlantis"
        case "overlapping hours":
            bad.providers[1].hours = [WeeklyHours(day: .monday, open: "09:00", close: "12:00"), WeeklyHours(day: .tuesday, open: "09:00", close: "12:00"),
                                      WeeklyHours(day: .monday, open: "11:00", close: "15:00")]
        case "service without provider": bad.services[1].providers = []
        case "unknown provider": bad.services[0].providers = ["alice", "nobody"]
        case "unknown location": bad.providers[0].locations = ["mars"]
        case "malformed phone": bad.patients = [PatientSeed(firstName: "A", lastName: "B", dateOfBirth: "1990-01-01", phone: "555-CALL")]
        case "override for unknown provider": bad.overrides[0].provider = "carol"
        default: Issue.record("unknown case")
        }
        bad.business.name = "Changed"
        do {
            try book.importProfile(bad, now: TestBook.now)
            Issue.record("accepted \(problem)")
        } catch let error as SchedulingError {
            #expect(error.message.hasPrefix(expected), "\(error.message)")
        }
        #expect(try book.profile() == before)
        #expect(try book.appointments(forPatient: patient.id, from: TestBook.now) == [booked])
    }

    @Test func removingAProviderThatHasBookingsIsRefusedWhole() throws {
        let book = try TestBook.make()
        let patient = try TestBook.patient(book)
        _ = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob",
                                         start: TestBook.local("2026-03-03", "10:00")), now: TestBook.now)
        var withoutBob = TestBook.clinic
        withoutBob.providers.removeLast()
        withoutBob.services[0].providers = ["alice"]
        withoutBob.overrides.removeLast()
        #expect(throws: (any Error).self) { try book.importProfile(withoutBob, now: TestBook.now) }
        #expect(try book.profile().providers.map(\.id) == ["alice", "bob"])
    }
}
