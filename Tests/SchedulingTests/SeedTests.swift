import Foundation
import SQLiteStore
import Scheduling
import Testing

@Suite struct SeedTests {
    @Test func aFreshDatabaseSeedsItselfOnceAndNeverAgain() throws {
        let book = try AppointmentBook(path: TestBook.temporaryPath())
        #expect(try book.isEmpty())
        let now = Date()
        #expect(try book.seedDemoIfEmpty(now: now))
        var expected = DemoBusiness.profile
        expected.patients = nil
        #expect(try book.profile() == expected)
        let listed = try book.listAppointments()
        #expect(listed.count == 12)
        #expect(listed.allSatisfy { $0.start > now && $0.start < now.addingTimeInterval(40 * 86_400) && $0.status == .booked })
        #expect(Set(listed.map(\.providerName)).count >= 3)
        #expect(try book.knowledgeDocuments().map(\.title) == DemoDocuments.all.map(\.title))
        // A database with data is never reseeded.
        #expect(try !book.seedDemoIfEmpty(now: now))
        #expect(try book.listAppointments().count == 12)
    }

    @Test func aDatabaseWithOnlyPatientsIsNotSeeded() throws {
        let book = try TestBook.make()
        _ = try TestBook.patient(book)
        #expect(try !book.seedDemoIfEmpty())
        #expect(try book.profile().business.name == "Test Clinic")
    }

    @Test func theTableIsAlignedAndInLocalTime() throws {
        let book = try TestBook.make()
        let patient = try TestBook.patient(book)
        _ = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob",
                                         start: TestBook.local("2026-03-09", "09:00")), now: TestBook.now)
        let text = AppointmentTable.render(try book.listAppointments(patientPhone: "212-555-0000"), clock: TestBook.clock)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].contains("Mon 2026-03-09  09:00–09:30"))
        #expect(lines[0].firstRange(of: "PATIENT")?.lowerBound.utf16Offset(in: lines[0]) == lines[1].firstRange(of: "Pat0")?.lowerBound.utf16Offset(in: lines[1]))
        #expect(try book.listAppointments(provider: "alice").isEmpty)
    }

    @Test func theGeneratorFillsALargeBookThatStillAnswers() throws {
        let book = try AppointmentBook(path: TestBook.temporaryPath())
        let summary = try CalendarGenerator.fill(book, providers: 4, days: 20, appointments: 800, patients: 50, now: TestBook.now)
        #expect(summary.appointments == 800)
        let result = try book.findAvailableSlots(AvailabilityQuery(serviceID: "visit30", limit: 5), now: TestBook.now)
        #expect(result.slots.count == 5)
    }
}
