import Foundation
import Reception
import SQLiteStore
import Scheduling
import Testing

/// When texts go out: the window in the business's local time (across the DST change), the
/// daily cap, opt-outs, reminders that would come too late; and reminder rows that live and
/// die with their appointment.
@Suite("Texts: the window, the cap, opt-outs and reminders")
struct TextPlannerTests {
    static let settings = MessagingSettings(senderNumber: "+12125550140", reminders: [MessagingSettings.Reminder(beforeMinutes: 2880),
                                                                                       MessagingSettings.Reminder(beforeMinutes: 120)])

    static func text(kind: String = "reminder", notAfter: Date? = nil, optedOut: Bool = false, sentToday: Int = 0) -> TextToSend {
        var profile = TestBook.clinic
        profile.messaging = settings
        return TextToSend(
            id: 1, kind: kind, template: kind == "reminder" ? "reminder" : "booked", to: "+12125550101", body: nil, notAfter: notAfter, attempts: 0,
            appointment: TextToSend.AppointmentFacts(start: TestBook.local("2026-03-10", "10:00"), status: "booked", providerID: "alice",
                                                     serviceID: "checkup", locationID: "main", firstName: "Pat"),
            optedOut: optedOut, sentToday: sentToday, settings: settings, profile: profile)
    }

    @Test func insideTheWindowTheTemplateIsFilledInLocalTime() {
        let decision = TextPlanner.decide(Self.text(), now: TestBook.local("2026-03-09", "10:00"))
        #expect(decision == .send(body: "Test Clinic: reminder of your Checkup with Dr. Alice on Tue, Mar 10 at 10:00 AM. Reply C to confirm, R to reschedule, X to cancel."))
    }

    @Test func outsideTheWindowATextWaitsForTheNextOpeningAcrossTheDSTChange() {
        // Saturday 2026-03-07 at 20:00 New York: the window (09:00–19:30, not Sunday) next opens
        // Monday 2026-03-09 09:00 EDT, after the switch to daylight time on Sunday the 8th.
        let decision = TextPlanner.decide(Self.text(), now: TestBook.local("2026-03-07", "20:00"))
        let monday = TestBook.local("2026-03-09", "09:00")
        #expect(decision == .wait(until: monday, note: "outside the texting window"))
        #expect(monday.timeIntervalSince1970 == 1_773_061_200)  // 13:00 UTC: EDT, UTC−4
        // Before nine on a weekday it waits for nine the same day
        #expect(TextPlanner.decide(Self.text(), now: TestBook.local("2026-03-05", "07:30"))
            == .wait(until: TestBook.local("2026-03-05", "09:00"), note: "outside the texting window"))
        // and a reminder that could only go out after its appointment starts is skipped
        #expect(TextPlanner.decide(Self.text(notAfter: TestBook.local("2026-03-08", "12:00")), now: TestBook.local("2026-03-07", "20:00"))
            == .skip(note: "the window opens only after the appointment starts"))
    }

    @Test func optOutsAndTheDailyCapStopTexts() {
        let now = TestBook.local("2026-03-09", "10:00")
        #expect(TextPlanner.decide(Self.text(optedOut: true), now: now) == .skip(note: "the number opted out (STOP)"))
        #expect(TextPlanner.decide(Self.text(sentToday: 3), now: now) == .skip(note: "this number already got 3 texts today"))
    }

    @Test func remindersAreWrittenWithTheBookingMovedWithItAndCancelledWithIt() throws {
        var profile = TestBook.clinic
        profile.messaging = Self.settings
        let book = try TestBook.make(profile)
        let patient = try TestBook.patient(book, 1)
        // Booked five days ahead: a confirmation and both reminders
        let booked = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob",
                                                  start: TestBook.local("2026-03-06", "10:00")), now: TestBook.now)
        var texts = try book.textMessages(limit: 10)
        #expect(texts.map(\.kind).sorted() == ["confirmation", "reminder", "reminder"])
        #expect(texts.allSatisfy { $0.state == "waiting" && $0.to == patient.phone })
        // Moved: the old reminders are cancelled, the new appointment has its own, and a confirmation
        let moved = try book.reschedule(appointmentID: booked.id, forPatient: patient.id, to: TestBook.local("2026-03-06", "11:00"),
                                        providerID: nil, locationID: nil, conversationID: nil, now: TestBook.now)
        texts = try book.textMessages(limit: 10)
        #expect(texts.filter { $0.appointmentID == booked.id && $0.kind == "reminder" }.allSatisfy { $0.state == "cancelled" })
        #expect(texts.filter { $0.appointmentID == moved.id }.map(\.kind).sorted() == ["confirmation", "reminder", "reminder"])
        // Cancelled: its reminders go, a cancellation text is written
        _ = try book.cancel(appointmentID: moved.id, forPatient: nil, reason: nil, conversationID: nil, now: TestBook.now)
        texts = try book.textMessages(limit: 20)
        #expect(texts.filter { $0.appointmentID == moved.id && $0.kind == "reminder" }.allSatisfy { $0.state == "cancelled" })
        #expect(texts.filter { $0.kind == "confirmation" }.count == 3)
        // Booked three hours ahead: the 48-hour reminder's time has passed, so only the 2-hour one
        _ = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob",
                                         start: TestBook.local("2026-03-02", "10:00")), now: TestBook.now)
        #expect(try book.textMessages(limit: 1).first?.key.hasSuffix(":120") == true)
    }
}

@Suite("Reminder events")
struct ReminderEventTests {
    @Test func aSentReminderAndAConfirmationAfterItAreEventsAndAFailedOneIsToo() throws {
        var profile = TestBook.clinic
        profile.messaging = TextPlannerTests.settings
        let book = try TestBook.make(profile)
        let patient = try TestBook.patient(book, 1)
        let booked = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob",
                                                  start: TestBook.local("2026-03-06", "10:00")), now: TestBook.now)
        let reminders = try book.textMessages(limit: 10).filter { $0.kind == "reminder" }
        #expect(reminders.count == 2)
        try book.recordText(id: reminders[0].id, outcome: .sent(body: "see you", providerID: "tx-1"), now: TestBook.now)
        try book.recordText(id: reminders[1].id, outcome: .failed(note: "Telnyx answered 400"), now: TestBook.now)
        _ = try book.confirmAppointment(appointmentID: booked.id, forPatient: patient.id,
                                        change: ChangeRecord(actorKind: .caller, actorID: nil, conversationID: "sms:x", channel: "sms"),
                                        now: TestBook.now)
        let types = try book.outboxEvents().map(\.type)
        #expect(types == ["booking.created", "reminder.sent", "reminder.failed", "booking.confirmed", "reminder.confirmed"])
        // A confirmation text (not a reminder) being sent is no reminder event
        let confirmation = try #require(try book.textMessages(limit: 10).first { $0.kind == "confirmation" })
        try book.recordText(id: confirmation.id, outcome: .sent(body: "booked", providerID: "tx-2"), now: TestBook.now)
        #expect(try book.outboxEvents().count == 5)
    }
}

@Suite("Reminder calls")
struct ReminderCallTests {
    @Test func aCallReminderIsWrittenWithTheBookingSkippedOnceConfirmedAndTheCallsOutcomeLandsOnIt() throws {
        var profile = TestBook.clinic
        profile.messaging = MessagingSettings(senderNumber: "+12125550140", assistantID: "assistant-1",
                                              reminders: [MessagingSettings.Reminder(beforeMinutes: 1440, channel: .call)],
                                              window: MessagingSettings.Window(start: "00:00", end: "23:59", days: Weekday.allCases))
        let book = try TestBook.make(profile)
        let patient = try TestBook.patient(book, 1)
        let booked = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob",
                                                  start: TestBook.local("2026-03-06", "10:00")), now: TestBook.now)
        let due = TestBook.local("2026-03-05", "10:00")
        #expect(try book.reminderCallsDue(now: due.addingTimeInterval(-1)) == false)
        let call = try #require(try book.claimDueReminderCalls(now: due, limit: 5, lease: 30).first)
        #expect(call.to == patient.phone && call.onlyIfUnconfirmed && call.key == "reminder-call-\(booked.id)-1440")
        #expect(call.decide(now: due) == .send(body: ""))
        try book.recordReminderCall(id: call.id, outcome: .placed(scheduledEventID: "se-1"), now: due)
        // On the call the patient confirms: the outcome lands on the reminder
        _ = try book.confirmAppointment(appointmentID: booked.id, forPatient: patient.id,
                                        change: ChangeRecord(actorKind: .caller, actorID: nil, conversationID: "call:x", channel: "voice"), now: due)
        let context = try #require(try book.reminderContext(id: call.id))
        #expect(context.state == "placed" && context.outcome == "confirmed" && context.confirmed && context.patientID == patient.id)
        #expect(context.serviceName == "Checkup" && context.providerName == "Dr. Bob")
        // A reminder call for an appointment confirmed before it was due is not placed
        var confirmedCall = call
        confirmedCall.confirmed = true
        #expect(confirmedCall.decide(now: due) == .skip(note: "already confirmed"))
        // and a cancelled appointment's reminder call is cancelled with it
        let other = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob",
                                                 start: TestBook.local("2026-03-09", "10:00")), now: TestBook.now)
        _ = try book.cancel(appointmentID: other.id, forPatient: nil, reason: nil, conversationID: nil, now: TestBook.now)
        #expect(try book.claimDueReminderCalls(now: TestBook.local("2026-03-08", "12:00"), limit: 5, lease: 30).isEmpty)
    }

    @Test func aCallReminderNeedsAnAssistant() {
        var profile = TestBook.clinic
        profile.messaging = MessagingSettings(senderNumber: "+12125550140", reminders: [MessagingSettings.Reminder(beforeMinutes: 1440, channel: .call)])
        #expect(throws: SchedulingError.invalid(field: "messaging.reminders[0].channel",
                                                message: "a call reminder needs messaging.assistant_id (the Telnyx assistant that places it)")) {
            _ = try TestBook.make(profile)
        }
    }
}
