import Foundation

/// One row of the staff view of the book, names resolved.
public struct AppointmentListing: Sendable, Equatable {
    public var id: Int64
    public var start: Date
    public var end: Date
    public var status: Appointment.Status
    public var providerName: String
    public var serviceName: String
    public var locationName: String
    public var patientName: String
    public var patientPhone: String?
    public var notes: String?

    public init(
        id: Int64, start: Date, end: Date, status: Appointment.Status, providerName: String, serviceName: String,
        locationName: String, patientName: String, patientPhone: String?, notes: String?
    ) {
        self.id = id
        self.start = start
        self.end = end
        self.status = status
        self.providerName = providerName
        self.serviceName = serviceName
        self.locationName = locationName
        self.patientName = patientName
        self.patientPhone = patientPhone
        self.notes = notes
    }
}
