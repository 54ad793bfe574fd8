import Foundation
import Logging
import Reception
import SQLiteStore
import Scheduling
import Testing

/// The use-case layer decides from the actor alone: a caller acts only for their own patient,
/// staff for anyone of the business (naming the patient), and each change is audited as theirs.
@Suite("Front desk use cases and their actors")
struct FrontDeskUseCaseTests {
    static func desk() throws -> (FrontDesk, AppointmentBook) {
        let book = try TestBook.make()
        return (FrontDesk(store: SQLiteFrontDeskStore(book: book), logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })), book)
    }

    @Test func staffBookForANamedPatientWithAnIdempotencyKeyAndCallersCannotReadTheSchedule() async throws {
        let (desk, book) = try Self.desk()
        let patient = try TestBook.patient(book)
        let maria = FrontDeskActor.staff(StaffMember(id: "maria", channel: "api"))
        let request = AppointmentRequest(serviceID: "checkup", providerID: "bob", start: TestBook.local("2026-03-03", "10:00"),
                                         patientID: patient.id, requestKey: "req-1")
        // When staff book twice with one key, and once without naming a patient
        let first = try await desk.book(request, for: maria, now: TestBook.now)
        let retried = try await desk.book(request, for: maria, now: TestBook.now)
        var unnamed = request
        unnamed.patientID = nil
        await #expect(throws: FrontDeskError.refused(.invalid(field: "patient_id", message: "is required"))) {
            try await desk.book(unnamed, for: maria, now: TestBook.now)
        }
        // Then one booking, audited as Maria's through the API
        #expect(first == retried)
        #expect(try book.changeAudit().map(\.change) == [ChangeRecord(actorKind: .staff, actorID: "maria", conversationID: nil, channel: "api")])
        #expect(try await desk.schedule(on: LocalDate("2026-03-03"), for: maria).map(\.id) == [first.id])
        // and a caller may not read the schedule
        let stranger = FrontDeskActor.caller(CallerSession(conversationID: "c1", callerNumber: "+19998887777"))
        await #expect(throws: FrontDeskError.notPermitted("Only staff can read the schedule.")) {
            try await desk.schedule(on: nil, for: stranger)
        }
    }

    @Test func aCallerActsOnlyForTheirOwnPatientWhateverIdTheyName() async throws {
        let (desk, book) = try Self.desk()
        let owner = try TestBook.patient(book, 1)
        let caller = try TestBook.patient(book, 2)
        let theirs = try book.book(BookingRequest(patientID: owner.id, serviceID: "checkup", providerID: "bob",
                                                  start: TestBook.local("2026-03-03", "10:00")), now: TestBook.now)
        let session = FrontDeskActor.caller(CallerSession(conversationID: "c2", callerNumber: caller.phone))
        // When the second patient's call cancels the first one's appointment, and books naming them
        await #expect(throws: FrontDeskError.refused(.notFound("appointment"))) {
            try await desk.cancel(appointmentID: theirs.id, reason: nil, for: session, now: TestBook.now)
        }
        let booked = try await desk.book(
            AppointmentRequest(serviceID: "checkup", providerID: "bob", start: TestBook.local("2026-03-03", "11:00"), patientID: owner.id),
            for: session, now: TestBook.now)
        // Then nothing of the first patient's changed, and the booking is the caller's own
        #expect(try book.appointment(id: theirs.id, forPatient: owner.id).status == .booked)
        #expect(booked.patientID == caller.id)
        // and a caller nobody recognises must verify first
        let unknown = FrontDeskActor.caller(CallerSession(conversationID: "c3", callerNumber: nil))
        await #expect(throws: FrontDeskError.verificationRequired) {
            try await desk.upcomingAppointments(for: unknown, now: TestBook.now)
        }
    }
}
