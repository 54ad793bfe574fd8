import Foundation
import SQLiteStore
import Scheduling
import Testing

/// S2 and S4 against a real SQLite file.
@Suite struct BookingRulesTests {
    let book: AppointmentBook
    let patient: Patient
    let now = TestBook.now

    init() throws {
        book = try TestBook.make()
        patient = try TestBook.patient(book)
    }

    func request(_ date: String, _ time: String, service: String = "checkup", provider: String? = "alice", patient: Int64? = nil) -> BookingRequest {
        BookingRequest(patientID: patient ?? self.patient.id, serviceID: service, providerID: provider, start: TestBook.local(date, time))
    }

    func code(_ body: () throws -> Appointment) -> String? {
        do { _ = try body(); return nil } catch let error as SchedulingError { return error.code } catch { return "\(error)" }
    }

    @Test func bookingStoresUTCAndReadsBack() throws {
        let appointment = try book.book(request("2026-03-03", "10:00"), now: now)
        #expect(appointment.status == .booked)
        #expect(appointment.start == TestBook.local("2026-03-03", "10:00"))
        #expect(appointment.end == TestBook.local("2026-03-03", "10:30"))
        #expect(try book.appointments(forPatient: patient.id, from: now) == [appointment])
        #expect(try book.nextAppointment(forPatient: patient.id, after: now) == appointment)
    }

    /// S2: containing or contained bookings are refused, back-to-back ones are allowed.
    @Test func overlappingBookingsAreRefusedAndBackToBackAllowed() throws {
        let other = try TestBook.patient(book, 1)
        _ = try book.book(request("2026-03-03", "10:00", service: "cleaning"), now: now) // 10:00–11:00, busy to 11:15
        // Contained in it.
        #expect(code { try book.book(request("2026-03-03", "10:15", patient: other.id), now: now) } == "slot_unavailable")
        // Containing it (a cleaning 09:45–10:45 overlaps; 09:30 starts a 60-minute one that ends inside).
        #expect(code { try book.book(request("2026-03-03", "09:30", service: "cleaning", patient: other.id), now: now) } == "slot_unavailable")
        // Inside the buffer after.
        #expect(code { try book.book(request("2026-03-03", "11:00", patient: other.id), now: now) } == "slot_unavailable")
        // Back-to-back before, and right after the buffer.
        #expect(code { try book.book(request("2026-03-03", "09:30", patient: other.id), now: now) } == nil)
        #expect(code { try book.book(request("2026-03-03", "11:15", patient: other.id), now: now) } == nil)
        // Another provider is unaffected.
        #expect(code { try book.book(request("2026-03-03", "10:00", provider: "bob", patient: other.id), now: now) } == nil)
    }

    @Test func aRefusedSlotComesWithNearbyAlternatives() throws {
        _ = try book.book(request("2026-03-03", "10:00"), now: now)
        let other = try TestBook.patient(book, 1)
        do {
            _ = try book.book(request("2026-03-03", "10:00", patient: other.id), now: now)
            Issue.record("double booking")
        } catch SchedulingError.slotUnavailable(let alternatives) {
            #expect(alternatives.count == 3)
            #expect(alternatives.allSatisfy { $0.providerID == "alice" && $0.start != TestBook.local("2026-03-03", "10:00") })
            #expect(alternatives.contains { $0.start == TestBook.local("2026-03-03", "10:30") || $0.start == TestBook.local("2026-03-03", "09:30") })
        }
    }

    @Test func anyProviderTakesTheFirstFreeOne() throws {
        let first = try book.book(request("2026-03-03", "10:00", provider: nil), now: now)
        let second = try book.book(request("2026-03-03", "10:00", provider: nil, patient: try TestBook.patient(book, 1).id), now: now)
        #expect([first.providerID, second.providerID] == ["alice", "bob"])
        #expect(code { try book.book(request("2026-03-03", "10:00", provider: nil, patient: try TestBook.patient(book, 2).id), now: now) } == "slot_unavailable")
    }

    /// S4: each refusal carries a reason the model can say.
    @Test func refusalsCarryASpeakableReason() throws {
        #expect(code { try book.book(request("2026-03-03", "08:00"), now: now) } == "outside_hours")
        // Precise reasons while the office is open: Alice is at lunch (Bob works), a cleaning is
        // Alice's alone, a visit that would end after 17:00.
        #expect(code { try book.book(request("2026-03-03", "12:15"), now: now) } == "not_working_then")
        #expect(code { try book.book(request("2026-03-03", "12:15", service: "cleaning", provider: nil), now: now) } == "not_working_then")
        #expect(code { try book.book(request("2026-03-03", "16:45"), now: now) } == "runs_past_closing")
        do {
            _ = try book.book(request("2026-03-03", "12:15"), now: now)
        } catch let error as SchedulingError {
            #expect(error.message == "We are open then, but Dr. Alice does not see patients for a checkup at that time.")
        }
        #expect(code { try book.book(request("2026-03-07", "10:00"), now: now) } == "outside_hours") // Saturday
        #expect(code { try book.book(request("2026-03-20", "10:00"), now: now) } == "closed_date")
        #expect(code { try book.book(request("2026-03-11", "10:00", provider: "bob"), now: now) } == "closed_date")
        #expect(code { try book.book(request("2026-03-02", "06:30"), now: now) } == "in_past")
        #expect(code { try book.book(request("2026-03-02", "08:45"), now: now) } == "inside_minimum_notice") // now is 07:00 local
        #expect(code { try book.book(request("2026-05-04", "10:00"), now: now) } == "beyond_horizon")
        #expect(code { try book.book(request("2026-03-03", "10:00", service: "x-ray"), now: now) } == "not_found")
        #expect(code { try book.book(request("2026-03-03", "10:00", service: "cleaning", provider: "bob"), now: now) } == "invalid_arguments")
        #expect(code { try book.book(request("2026-03-03", "10:00", patient: 9_999), now: now) } == "not_found")
        #expect(SchedulingError.closedDate(reason: "Staff training").message == "We are closed that day (Staff training).")
        #expect(SchedulingError.insideMinimumNotice(minutes: 120).message.contains("2 hours"))
        #expect(try book.listAppointments().isEmpty)
    }

    /// S5: booked at 09:00 local on both sides of the change, read back as 09:00 local.
    @Test func dstBookingsAreStoredAtNineLocal() throws {
        let before = try book.book(request("2026-03-06", "09:00"), now: now)
        let after = try book.book(request("2026-03-09", "09:00"), now: now)
        #expect(TestBook.clock.local(before.start).minutes == 540)
        #expect(TestBook.clock.local(after.start).minutes == 540)
        #expect(after.start.timeIntervalSince(before.start) == 3 * 86_400 - 3_600)
        let listed = try book.listAppointments(date: LocalDate("2026-03-09"))
        #expect(listed.map(\.start) == [after.start])
    }

    @Test func cancelIsScopedToThePatientAndIdempotent() throws {
        let appointment = try book.book(request("2026-03-03", "10:00"), now: now)
        let stranger = try TestBook.patient(book, 1)
        #expect(throws: SchedulingError.notFound("appointment")) {
            try book.cancel(appointmentID: appointment.id, forPatient: stranger.id, reason: nil, conversationID: "c2", now: now)
        }
        let cancelled = try book.cancel(appointmentID: appointment.id, forPatient: patient.id, reason: "feeling better", conversationID: "c1", now: now)
        #expect(cancelled.status == .cancelled)
        #expect(cancelled.cancelReason == "feeling better")
        #expect(try book.cancel(appointmentID: appointment.id, forPatient: patient.id, reason: nil, conversationID: "c1", now: now) == cancelled)
        // The time is free again.
        #expect(code { try book.book(request("2026-03-03", "10:00", patient: stranger.id), now: now) } == nil)
    }

    @Test func aHeldSlotBlocksOtherConversationsUntilItExpires() throws {
        let hold = try book.hold(serviceID: "checkup", providerID: "alice", start: TestBook.local("2026-03-03", "10:00"), conversationID: "c1", now: now)
        #expect(hold.expiresAt == now.addingTimeInterval(300))
        var other = request("2026-03-03", "10:00")
        other.conversationID = "c2"
        #expect(code { try book.book(other, now: now) } == "slot_unavailable")
        let offered = try book.findAvailableSlots(AvailabilityQuery(serviceID: "checkup", providerID: "alice", from: LocalDate("2026-03-03"), to: LocalDate("2026-03-03"), limit: 50), now: now)
        #expect(!offered.slots.contains { $0.start == hold.slot.start })
        // Its own conversation confirms it.
        let confirmed = try book.confirmHold(hold.id, patientID: patient.id, conversationID: "c1", now: now)
        #expect(confirmed.start == hold.slot.start)
        #expect(throws: SchedulingError.holdExpired) { try book.confirmHold(hold.id, patientID: patient.id, conversationID: "c1", now: now) }
        // An expired hold blocks nobody.
        let lapsed = try book.hold(serviceID: "checkup", providerID: "alice", start: TestBook.local("2026-03-03", "11:00"), conversationID: "c3", now: now)
        var later = request("2026-03-03", "11:00")
        later.conversationID = "c2"
        #expect(code { try book.book(later, now: now.addingTimeInterval(301)) } == nil)
        #expect(throws: SchedulingError.holdExpired) { try book.confirmHold(lapsed.id, patientID: patient.id, conversationID: "c3", now: now.addingTimeInterval(301)) }
        #expect(throws: SchedulingError.notFound("hold")) { try book.confirmHold(lapsed.id, patientID: patient.id, conversationID: "c2", now: now) }
    }
}
