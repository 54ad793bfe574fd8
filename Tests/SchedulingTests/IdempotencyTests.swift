import Foundation
import Scheduling
import SQLiteStore
import Testing

/// S7: the same turn retried books once and answers the same.
@Suite struct IdempotencyTests {
    @Test func theSameKeyReturnsTheFirstBooking() throws {
        let book = try TestBook.make()
        let patient = try TestBook.patient(book)
        var request = BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "alice",
                                     start: TestBook.local("2026-03-03", "10:00"), conversationID: "c1",
                                     idempotencyKey: "c1|book_appointment|{\"start\":\"2026-03-03T10:00\"}")
        let first = try book.book(request, now: TestBook.now)
        let retried = try book.book(request, now: TestBook.now.addingTimeInterval(5))
        #expect(retried == first)
        #expect(try book.appointments(forPatient: patient.id, from: TestBook.now).count == 1)
        // A different key for the same slot is a real second attempt, and is refused.
        request.idempotencyKey = "c1|book_appointment|other"
        #expect(throws: SchedulingError.self) { try book.book(request, now: TestBook.now) }
    }

    @Test func aRetriedRescheduleMovesOnce() throws {
        let book = try TestBook.make()
        let patient = try TestBook.patient(book)
        let original = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "alice",
                                                    start: TestBook.local("2026-03-03", "10:00")), now: TestBook.now)
        let key = "c1|reschedule|\(original.id)"
        let first = try book.reschedule(appointmentID: original.id, forPatient: patient.id, to: TestBook.local("2026-03-04", "10:00"),
                                        idempotencyKey: key, now: TestBook.now)
        let again = try book.reschedule(appointmentID: original.id, forPatient: patient.id, to: TestBook.local("2026-03-04", "10:00"),
                                        idempotencyKey: key, now: TestBook.now)
        #expect(again == first)
        #expect(try book.appointments(forPatient: patient.id, from: TestBook.now).count == 1)
    }

    @Test func aKeyDoesNotOutliveTheBookingItProtects() throws {
        // Given a booking made under a key, then cancelled
        let book = try TestBook.make()
        let patient = try TestBook.patient(book)
        let request = BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "alice",
                                     start: TestBook.local("2026-03-03", "10:00"), conversationID: "c1",
                                     idempotencyKey: "c1|book_appointment|same")
        let first = try book.book(request, now: TestBook.now)
        _ = try book.cancel(appointmentID: first.id, forPatient: patient.id, reason: "changed my mind", conversationID: "c1", now: TestBook.now)
        // When the same request comes again with the same key
        let again = try book.book(request, now: TestBook.now.addingTimeInterval(60))
        // Then it is a new, booked appointment, not the cancelled one
        #expect(again.id != first.id)
        #expect(again.status == .booked)
        #expect(try book.appointments(forPatient: patient.id, from: TestBook.now).filter { $0.status == .booked }.map(\.id) == [again.id])
        // and a retry of that one is exactly-once again
        #expect(try book.book(request, now: TestBook.now.addingTimeInterval(65)) == again)
    }
}
