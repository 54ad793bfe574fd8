import Foundation
import Scheduling

/// A patient's text to the business, acted on by its keywords: the sender's number is the
/// authority, as on a call (it must identify the patient). Confirming and cancelling go through
/// the same use cases as a caller's, on the `sms` channel; opt-outs are recorded; anything else
/// goes to the staff inbox.
extension FrontDesk {
    public enum TextReply: Sendable, Equatable {
        case confirmed(appointmentID: Int64)
        case cancelled(appointmentID: Int64)
        case optedOut
        case optedIn
        case help
        /// Kept for staff, with why.
        case inbox(note: String)
        /// `R` with an assistant set up: a text conversation with it should start, to pick a new
        /// time for this appointment (the channel places it).
        case rescheduleByText(appointmentID: Int64, opening: String)
    }

    /// Acts on a text from `number` (E.164) and queues the answer, once per `messageID`.
    public func handleIncomingText(from number: String, text: String, messageID: String, now: Date) async throws(FrontDeskError) -> TextReply {
        let word = text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            .trimmingCharacters(in: CharacterSet.punctuationCharacters)
        let profile = try await profile()
        let business = profile.business.name
        func reply(_ body: String, appointment: Int64? = nil) async throws(FrontDeskError) {
            try await attempt { try await store.queueReply(key: "reply:\(messageID)", to: number, body: body, appointmentID: appointment, now: now) }
        }
        switch word {
        case "STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT":
            try await attempt { try await store.setOptOut(number: number, optedOut: true, now: now) }
            return .optedOut
        case "START", "UNSTOP":
            try await attempt { try await store.setOptOut(number: number, optedOut: false, now: now) }
            try await reply("\(business): you will get texts from us again. Reply STOP to stop.")
            return .optedIn
        case "HELP", "INFO":
            try await reply("\(business): reply C to confirm your next appointment, X to cancel it, R to reschedule; STOP to stop texts."
                + (profile.business.phone.map { " Call us at \($0)." } ?? ""))
            return .help
        default: break
        }
        let session = FrontDeskActor.caller(CallerSession(conversationID: "sms:\(number)", callerNumber: number, channel: "sms"))
        let patient: Patient
        do {
            patient = try await requirePatient(session)
        } catch {
            return try await toInbox(number: number, patientID: nil, text: text, note: "the number identifies no patient", now: now)
        }
        let isConfirm = ["C", "Y", "YES", "CONFIRM"].contains(word)
        let isCancel = ["X", "N", "NO", "CANCEL"].contains(word)
        let isReschedule = ["R", "RESCHEDULE"].contains(word)
        guard isConfirm || isCancel || isReschedule else {
            return try await toInbox(number: number, patientID: patient.id, text: text, note: "not a keyword", now: now)
        }
        guard let next = try await upcomingAppointments(for: session, now: now).appointments.first else {
            return try await toInbox(number: number, patientID: patient.id, text: text, note: "no upcoming appointment to act on", now: now)
        }
        let when = TextPlanner.when(next.start, clock: profile.clock)
        if isReschedule {
            guard profile.messaging?.assistantID != nil else {
                return try await toInbox(number: number, patientID: patient.id, text: text, note: "wants to reschedule", now: now)
            }
            let service = profile.services.first { $0.id == next.serviceID }?.name ?? "appointment"
            return .rescheduleByText(
                appointmentID: next.id,
                opening: "Sure, \(patient.firstName): let's find a new time for your \(service) on \(when). Which days and times suit you?")
        }
        if isConfirm {
            _ = try await confirm(appointmentID: next.id, for: session, now: now)
            try await reply("\(business): confirmed, see you \(when).", appointment: next.id)
            return .confirmed(appointmentID: next.id)
        }
        _ = try await cancel(appointmentID: next.id, reason: "cancelled by text", for: session, now: now)
        // With confirmations on, the cancellation's own text answers; a second one would repeat it.
        if profile.messaging?.confirmations != true {
            try await reply("\(business): your appointment on \(when) is cancelled. Call us to book again.", appointment: next.id)
        }
        return .cancelled(appointmentID: next.id)
    }

    private func toInbox(number: String, patientID: Int64?, text: String, note: String, now: Date) async throws(FrontDeskError) -> TextReply {
        try await attempt { try await store.addInboxMessage(from: number, patientID: patientID, body: text, note: note, now: now) }
        return .inbox(note: note)
    }

    public func inbox(limit: Int = 100, for actor: FrontDeskActor) async throws(FrontDeskError) -> [InboxMessage] {
        try requireStaff(actor)
        return try await attempt { try await store.inboxMessages(limit: limit) }
    }

    public func texts(limit: Int = 100, for actor: FrontDeskActor) async throws(FrontDeskError) -> [TextRecord] {
        try requireStaff(actor)
        return try await attempt { try await store.textMessages(limit: limit) }
    }
}

extension FrontDesk {
    /// What a reminder call is about, for the patient the call reached: a caller gets it only
    /// when the reminder is for the patient they are (recognised by the number called).
    public func reminderContext(id: Int64, for actor: FrontDeskActor) async throws(FrontDeskError) -> ReminderContext {
        guard let context = try await attempt({ try await store.reminderContext(id: id) }) else { throw .refused(.notFound("reminder")) }
        if case .caller = actor {
            guard try await requirePatient(actor).id == context.patientID else { throw .refused(.notFound("reminder")) }
        }
        return context
    }
}
