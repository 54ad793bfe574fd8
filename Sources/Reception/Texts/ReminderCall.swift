import Foundation
import Scheduling

/// A reminder call that is due, with what deciding and placing it needs.
public struct ReminderCallToPlace: Sendable {
    public var id: Int64
    /// Unique per appointment and reminder: the idempotency key sent to Telnyx.
    public var key: String
    public var to: String
    public var onlyIfUnconfirmed: Bool
    public var notAfter: Date
    public var attempts: Int
    public var appointmentID: Int64
    public var appointment: TextToSend.AppointmentFacts
    public var confirmed: Bool
    public var settings: MessagingSettings?
    public var profile: BusinessProfile

    public init(
        id: Int64, key: String, to: String, onlyIfUnconfirmed: Bool, notAfter: Date, attempts: Int, appointmentID: Int64,
        appointment: TextToSend.AppointmentFacts, confirmed: Bool, settings: MessagingSettings?, profile: BusinessProfile
    ) {
        self.id = id
        self.key = key
        self.to = to
        self.onlyIfUnconfirmed = onlyIfUnconfirmed
        self.notAfter = notAfter
        self.attempts = attempts
        self.appointmentID = appointmentID
        self.appointment = appointment
        self.confirmed = confirmed
        self.settings = settings
        self.profile = profile
    }

    /// Whether to place it now, wait for the window, or not at all.
    public func decide(now: Date) -> TextPlanner.Decision {
        guard let settings, settings.assistantID != nil else { return .skip(note: "no assistant_id for reminder calls") }
        if appointment.status != "booked" { return .skip(note: "the appointment is \(appointment.status)") }
        if onlyIfUnconfirmed, confirmed { return .skip(note: "already confirmed") }
        guard let opening = TextPlanner.nextOpening(settings, clock: profile.clock, from: now) else { return .skip(note: "the window never opens") }
        if opening > now {
            return opening >= notAfter ? .skip(note: "the window opens only after the appointment starts")
                : .wait(until: opening, note: "outside the calling window")
        }
        if now >= notAfter { return .skip(note: "the appointment has started") }
        return .send(body: "")
    }
}

public enum ReminderCallOutcome: Sendable, Equatable {
    case placed(scheduledEventID: String?)
    case wait(until: Date, note: String)
    case retry(at: Date, note: String)
    case failed(note: String)
    case skipped(note: String)
}

/// What a reminder call is about, for the assistant on it.
public struct ReminderContext: Sendable, Equatable {
    public var reminderID: Int64
    public var state: String
    public var outcome: String?
    public var appointmentID: Int64
    public var start: Date
    public var status: String
    public var confirmed: Bool
    public var providerName: String
    public var serviceName: String
    public var locationName: String
    public var patientID: Int64
    public var firstName: String
    /// The number the call went to (the patient's).
    public var calledNumber: String

    public init(
        reminderID: Int64, state: String, outcome: String?, appointmentID: Int64, start: Date, status: String, confirmed: Bool,
        providerName: String, serviceName: String, locationName: String, patientID: Int64, firstName: String, calledNumber: String
    ) {
        self.reminderID = reminderID
        self.state = state
        self.outcome = outcome
        self.appointmentID = appointmentID
        self.start = start
        self.status = status
        self.confirmed = confirmed
        self.providerName = providerName
        self.serviceName = serviceName
        self.locationName = locationName
        self.patientID = patientID
        self.firstName = firstName
        self.calledNumber = calledNumber
    }
}
