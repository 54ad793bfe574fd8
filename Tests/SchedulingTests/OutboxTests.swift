import CSQLite
import Foundation
import Reception
import SQLiteStore
import Scheduling
import Testing

/// Every change to an appointment commits with exactly one audit row and one outbox event, in
/// the same transaction: none for a refused or repeated request, none without its change.
@Suite("The outbox and the change audit")
struct OutboxTests {
    static let caller = ChangeRecord(actorKind: .caller, actorID: "patient:1", conversationID: "call:x", channel: "voice")
    static let staff = ChangeRecord(actorKind: .staff, actorID: "maria", conversationID: nil, channel: "console")

    @Test func bookRescheduleConfirmAndCancelEachLeaveOneEventAndOneAuditRow() throws {
        // Given a patient and a free Tuesday
        let book = try TestBook.make()
        let patient = try TestBook.patient(book)
        let start = TestBook.local("2026-03-03", "10:00")
        // When they book, a retry of the same booking arrives, then a reschedule, a confirmation
        // (twice) and a cancel (twice)
        let request = BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob", start: start, idempotencyKey: "k1")
        let booked = try book.book(request, change: Self.caller, now: TestBook.now)
        #expect(try book.book(request, change: Self.caller, now: TestBook.now).id == booked.id)
        let moved = try book.reschedule(appointmentID: booked.id, forPatient: patient.id, to: TestBook.local("2026-03-03", "11:00"),
                                        change: Self.staff, now: TestBook.now)
        _ = try book.confirmAppointment(appointmentID: moved.id, forPatient: nil, change: Self.staff, now: TestBook.now)
        _ = try book.confirmAppointment(appointmentID: moved.id, forPatient: nil, change: Self.staff, now: TestBook.now)
        _ = try book.cancel(appointmentID: moved.id, forPatient: patient.id, reason: "sick", conversationID: "call:y",
                            change: Self.caller, now: TestBook.now)
        _ = try book.cancel(appointmentID: moved.id, forPatient: patient.id, reason: "sick", conversationID: "call:y",
                            change: Self.caller, now: TestBook.now)
        // Then there is one event per change, in order, each with its audit row
        let events = try book.outboxEvents()
        #expect(events.map(\.type) == ["booking.created", "booking.rescheduled", "booking.confirmed", "booking.cancelled"])
        #expect(events.map(\.appointmentID) == [booked.id, moved.id, moved.id, moved.id])
        #expect(Set(events.map(\.eventID)).count == 4)
        let audit = try book.changeAudit()
        #expect(audit.map(\.action) == events.map(\.type))
        #expect(audit.map(\.change) == [Self.caller, Self.staff, Self.staff, Self.caller])
        #expect(audit.last?.detail == "sick")
        // and the events are thin facts: ids and times in UTC and local time, no names
        let rescheduled = try #require(try JSONSerialization.jsonObject(with: Data(events[1].data.utf8)) as? [String: Any])
        #expect(rescheduled["previous_appointment_id"] as? Int == Int(booked.id))
        #expect(rescheduled["start_local"] as? String == "2026-03-03T11:00:00-05:00")
        #expect(rescheduled["start_utc"] as? String == "2026-03-03T16:00:00Z")
        #expect(rescheduled["channel"] as? String == "console")
        #expect(!events[1].data.contains("Pat0"))
    }

    @Test func aRefusedChangeLeavesNoEvent() throws {
        let book = try TestBook.make()
        let first = try TestBook.patient(book, 1)
        let second = try TestBook.patient(book, 2)
        let start = TestBook.local("2026-03-03", "10:00")
        _ = try book.book(BookingRequest(patientID: first.id, serviceID: "checkup", providerID: "bob", start: start), now: TestBook.now)
        #expect(throws: SchedulingError.self) {
            try book.book(BookingRequest(patientID: second.id, serviceID: "checkup", providerID: "bob", start: start), now: TestBook.now)
        }
        #expect(try book.outboxEvents().count == 1)
        #expect(try book.changeAudit().count == 1)
    }

    @Test func aChangeWhoseEventCannotBeWrittenDoesNotHappen() throws {
        // Given an outbox that refuses every insert (standing in for a failure at the last step)
        let book = try TestBook.make()
        let patient = try TestBook.patient(book)
        var db: OpaquePointer?
        sqlite3_open(book.path, &db)
        sqlite3_exec(db, "CREATE TRIGGER outbox_refuses BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'refused'); END", nil, nil, nil)
        sqlite3_close(db)
        // When a booking is made
        #expect(throws: (any Error).self) {
            try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob",
                                         start: TestBook.local("2026-03-03", "10:00")), now: TestBook.now)
        }
        // Then it rolled back with its audit row: no booking exists without its event
        #expect(try book.appointments(forPatient: patient.id, from: TestBook.now, includeInactive: true).isEmpty)
        #expect(try book.changeAudit().isEmpty)
    }
}
