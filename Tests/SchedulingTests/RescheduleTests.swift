import Foundation
import SQLiteStore
import Scheduling
import Testing

/// S3: reschedule is one transaction.
@Suite struct RescheduleTests {
    let book: AppointmentBook
    let patient: Patient
    let original: Appointment
    let now = TestBook.now

    init() throws {
        book = try TestBook.make()
        patient = try TestBook.patient(book)
        original = try book.book(BookingRequest(patientID: patient.id, serviceID: "cleaning", providerID: "alice",
                                                start: TestBook.local("2026-03-03", "10:00")), now: now)
    }

    @Test func aSuccessfulRescheduleBooksTheNewTimeAndReleasesTheOld() throws {
        let moved = try book.reschedule(appointmentID: original.id, forPatient: patient.id, to: TestBook.local("2026-03-04", "14:00"),
                                        conversationID: "c1", now: now)
        #expect(moved.rescheduledFrom == original.id)
        #expect(moved.start == TestBook.local("2026-03-04", "14:00"))
        #expect(moved.providerID == "alice")
        let all = try book.appointments(forPatient: patient.id, from: now, includeInactive: true)
        #expect(all.map(\.status) == [.cancelled, .booked])
        #expect(all[0].cancelReason == "rescheduled")
        // The old time is bookable by someone else.
        let other = try TestBook.patient(book, 1)
        _ = try book.book(BookingRequest(patientID: other.id, serviceID: "cleaning", providerID: "alice", start: original.start), now: now)
    }

    @Test func movingByFifteenMinutesMayOverlapItsOwnOldTime() throws {
        let moved = try book.reschedule(appointmentID: original.id, forPatient: patient.id, to: TestBook.local("2026-03-03", "10:15"), now: now)
        #expect(moved.start == TestBook.local("2026-03-03", "10:15"))
    }

    @Test func aPatientCannotBeBookedTwiceAtOnceEvenWithAnotherProvider() throws {
        // Alice has them 10:00–11:00; a checkup with Bob at 10:30 is free for Bob, not for them.
        let clash = BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob", start: TestBook.local("2026-03-03", "10:30"))
        #expect(throws: SchedulingError.patientBusy(existingID: original.id)) { try book.book(clash, now: now) }
        // Right after it (the buffer is the provider's, not the patient's) is fine, and so is someone else.
        _ = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob",
                                         start: TestBook.local("2026-03-03", "11:00")), now: now)
        let other = try TestBook.patient(book, 1)
        _ = try book.book(BookingRequest(patientID: other.id, serviceID: "checkup", providerID: "bob",
                                         start: TestBook.local("2026-03-03", "10:30")), now: now)
    }

    @Test func aFailedRescheduleChangesNothing() throws {
        let other = try TestBook.patient(book, 1)
        let blocker = try book.book(BookingRequest(patientID: other.id, serviceID: "checkup", providerID: "alice",
                                                   start: TestBook.local("2026-03-04", "14:00")), now: now)
        for target in ["2026-03-04 14:00", "2026-03-20 10:00", "2026-03-03 18:00"] {
            let parts = target.split(separator: " ").map(String.init)
            #expect(throws: SchedulingError.self) {
                try book.reschedule(appointmentID: original.id, forPatient: patient.id, to: TestBook.local(parts[0], parts[1]), now: now)
            }
        }
        #expect(try book.appointments(forPatient: patient.id, from: now, includeInactive: true) == [original])
        #expect(try book.appointment(id: blocker.id, forPatient: other.id).status == .booked)
    }

    @Test func anotherPatientsAppointmentIsNotFound() throws {
        let stranger = try TestBook.patient(book, 1)
        #expect(throws: SchedulingError.notFound("appointment")) {
            try book.reschedule(appointmentID: original.id, forPatient: stranger.id, to: TestBook.local("2026-03-04", "14:00"), now: now)
        }
        #expect(try book.appointments(forPatient: patient.id, from: now) == [original])
    }
}
