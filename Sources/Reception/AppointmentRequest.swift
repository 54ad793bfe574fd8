import Foundation

/// A booking as an actor asks for it: a slot (or the hold on one) and a note. Whose it is
/// comes from the actor; `patientID` is read only for staff and the system.
public struct AppointmentRequest: Sendable, Equatable {
    public var serviceID: String
    public var providerID: String?
    public var locationID: String?
    public var start: Date
    /// Confirms this hold (of the caller's conversation) instead of booking anew.
    public var holdID: Int64?
    public var notes: String?
    /// Staff and system only: the patient to book for.
    public var patientID: Int64?
    /// Staff and system only: the client's idempotency key (a retry returns the first booking).
    public var requestKey: String?

    public init(
        serviceID: String, providerID: String? = nil, locationID: String? = nil, start: Date, holdID: Int64? = nil,
        notes: String? = nil, patientID: Int64? = nil, requestKey: String? = nil
    ) {
        self.serviceID = serviceID
        self.providerID = providerID
        self.locationID = locationID
        self.start = start
        self.holdID = holdID
        self.notes = notes
        self.patientID = patientID
        self.requestKey = requestKey
    }

    /// The request in one canonical line: the same booking asked twice, however it was
    /// spelled, gives the same exactly-once key.
    var canonical: String {
        "service:\(serviceID)|start:\(Int64(start.timeIntervalSince1970))|provider:\(providerID ?? "")|location:\(locationID ?? "")"
            + "|hold:\(holdID.map(String.init) ?? "")|notes:\(notes ?? "")"
    }
}
