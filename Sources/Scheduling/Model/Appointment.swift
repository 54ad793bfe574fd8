import Foundation

/// A booked (or formerly booked) visit. Instants are UTC; present them in the business zone.
public struct Appointment: Codable, Sendable, Equatable, Identifiable {
    /// Where an appointment is in its life; only `booked` occupies the provider.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case booked, cancelled, completed
        case noShow = "no_show"
    }

    public var id: Int64
    public var patientID: Int64
    public var providerID: String
    public var serviceID: String
    public var locationID: String
    public var start: Date
    public var end: Date
    public var status: Status
    public var notes: String?
    public var cancelReason: String?
    /// The appointment this one replaced, when it came from a reschedule.
    public var rescheduledFrom: Int64?
    /// The conversation that created it or last changed it.
    public var conversationID: String?

    public init(
        id: Int64, patientID: Int64, providerID: String, serviceID: String, locationID: String, start: Date, end: Date,
        status: Status, notes: String? = nil, cancelReason: String? = nil, rescheduledFrom: Int64? = nil, conversationID: String? = nil
    ) {
        self.id = id
        self.patientID = patientID
        self.providerID = providerID
        self.serviceID = serviceID
        self.locationID = locationID
        self.start = start
        self.end = end
        self.status = status
        self.notes = notes
        self.cancelReason = cancelReason
        self.rescheduledFrom = rescheduledFrom
        self.conversationID = conversationID
    }
}
