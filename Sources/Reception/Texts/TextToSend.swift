import Foundation
import Scheduling

/// A text that is due, with everything deciding and wording it needs, read in one snapshot.
public struct TextToSend: Sendable {
    public struct AppointmentFacts: Sendable {
        public var start: Date
        public var status: String
        public var providerID: String
        public var serviceID: String
        public var locationID: String
        public var firstName: String?

        public init(start: Date, status: String, providerID: String, serviceID: String, locationID: String, firstName: String?) {
            self.start = start
            self.status = status
            self.providerID = providerID
            self.serviceID = serviceID
            self.locationID = locationID
            self.firstName = firstName
        }
    }

    public var id: Int64
    /// `confirmation`, `reminder` or `reply`.
    public var kind: String
    /// `booked`, `rescheduled`, `cancelled`, `reminder`; nil for a reply (its body is written).
    public var template: String?
    public var to: String
    public var body: String?
    /// A reminder is pointless after this (the appointment's start).
    public var notAfter: Date?
    public var attempts: Int
    public var appointment: AppointmentFacts?
    public var optedOut: Bool
    /// Texts this number got in the last 24 hours (replies not counted).
    public var sentToday: Int
    public var settings: MessagingSettings?
    public var profile: BusinessProfile

    public init(
        id: Int64, kind: String, template: String?, to: String, body: String?, notAfter: Date?, attempts: Int, appointment: AppointmentFacts?,
        optedOut: Bool, sentToday: Int, settings: MessagingSettings?, profile: BusinessProfile
    ) {
        self.id = id
        self.kind = kind
        self.template = template
        self.to = to
        self.body = body
        self.notAfter = notAfter
        self.attempts = attempts
        self.appointment = appointment
        self.optedOut = optedOut
        self.sentToday = sentToday
        self.settings = settings
        self.profile = profile
    }
}

/// What became of a claimed text.
public enum TextOutcome: Sendable, Equatable {
    case sent(body: String, providerID: String?)
    /// Not yet: outside the window (or held for another reason); due again then.
    case wait(until: Date, note: String)
    /// The attempt failed in a way worth another try.
    case retry(at: Date, note: String)
    case failed(note: String)
    case skipped(note: String)
}

/// A text received for staff to read (a reply FrontDesk could not act on).
public struct InboxMessage: Sendable, Equatable {
    public var id: Int64
    public var from: String
    public var patientID: Int64?
    public var patientName: String?
    public var body: String
    public var note: String?
    public var receivedAt: Date
    public var handledAt: Date?

    public init(id: Int64, from: String, patientID: Int64?, patientName: String?, body: String, note: String?, receivedAt: Date, handledAt: Date?) {
        self.id = id
        self.from = from
        self.patientID = patientID
        self.patientName = patientName
        self.body = body
        self.note = note
        self.receivedAt = receivedAt
        self.handledAt = handledAt
    }
}

/// One text as kept: for `frontdesk texts list` and the console.
public struct TextRecord: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var to: String
    public var state: String
    public var appointmentID: Int64?
    public var body: String?
    public var sentAt: Date?
    public var providerMessageID: String?
    public var note: String?
    public var key: String

    public init(
        id: Int64, kind: String, to: String, state: String, appointmentID: Int64?, body: String?, sentAt: Date?, providerMessageID: String?,
        note: String?, key: String
    ) {
        self.id = id
        self.kind = kind
        self.to = to
        self.state = state
        self.appointmentID = appointmentID
        self.body = body
        self.sentAt = sentAt
        self.providerMessageID = providerMessageID
        self.note = note
        self.key = key
    }
}
