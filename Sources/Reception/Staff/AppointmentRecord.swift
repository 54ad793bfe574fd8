import Foundation
import Scheduling

/// An appointment as staff see it: with its patient, when it was confirmed, made and last
/// changed, and (for one appointment) every change made to it.
public struct AppointmentRecord: Sendable, Equatable {
    public var appointment: Appointment
    public var patient: Patient
    public var confirmedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    /// Filled only when one appointment is read, oldest first.
    public var changes: [AppointmentChange]

    public init(
        appointment: Appointment, patient: Patient, confirmedAt: Date?, createdAt: Date, updatedAt: Date, changes: [AppointmentChange] = []
    ) {
        self.appointment = appointment
        self.patient = patient
        self.confirmedAt = confirmedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.changes = changes
    }
}

/// One row of the change audit: who changed an appointment, how, through which channel.
public struct AppointmentChange: Sendable, Equatable {
    public var appointmentID: Int64?
    /// `booking.created`, `booking.rescheduled`, `booking.cancelled`, `booking.confirmed`.
    public var action: String
    public var actorKind: ChangeRecord.ActorKind
    public var actorID: String?
    public var channel: String
    public var conversationID: String?
    public var at: Date

    public init(
        appointmentID: Int64?, action: String, actorKind: ChangeRecord.ActorKind, actorID: String?, channel: String, conversationID: String?,
        at: Date
    ) {
        self.appointmentID = appointmentID
        self.action = action
        self.actorKind = actorKind
        self.actorID = actorID
        self.channel = channel
        self.conversationID = conversationID
        self.at = at
    }
}
