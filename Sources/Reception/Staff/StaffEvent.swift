import Foundation

/// A committed change as live pages learn of it: the outbox row's position and what it says.
public struct StaffEvent: Sendable, Equatable {
    public var sequence: Int64
    public var eventID: String
    /// `booking.created`, `booking.rescheduled`, …
    public var type: String
    public var appointmentID: Int64?
    public var createdAt: Date
    /// The event's data, as JSON text.
    public var data: String

    public init(sequence: Int64, eventID: String, type: String, appointmentID: Int64?, createdAt: Date, data: String = "{}") {
        self.sequence = sequence
        self.eventID = eventID
        self.type = type
        self.appointmentID = appointmentID
        self.createdAt = createdAt
        self.data = data
    }
}
