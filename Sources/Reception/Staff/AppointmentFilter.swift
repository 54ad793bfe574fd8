import Scheduling

/// Which appointments staff want to see. Every field narrows; nil means any.
public struct AppointmentFilter: Sendable, Equatable {
    /// First local date (in the business's zone) an appointment may start on.
    public var from: LocalDate?
    /// Last local date (inclusive).
    public var to: LocalDate?
    public var providerID: String?
    public var locationID: String?
    public var serviceID: String?
    public var status: Appointment.Status?
    public var patientID: Int64?
    /// Digits that must appear somewhere in the patient's phone number ("0101", "555").
    public var phoneDigits: String?

    public init(
        from: LocalDate? = nil, to: LocalDate? = nil, providerID: String? = nil, locationID: String? = nil, serviceID: String? = nil,
        status: Appointment.Status? = nil, patientID: Int64? = nil, phoneDigits: String? = nil
    ) {
        self.from = from
        self.to = to
        self.providerID = providerID
        self.locationID = locationID
        self.serviceID = serviceID
        self.status = status
        self.patientID = patientID
        self.phoneDigits = phoneDigits
    }
}
