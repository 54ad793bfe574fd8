/// A patient listed in an import file (the demo seed uses it to create its patients).
public struct PatientSeed: Codable, Sendable, Equatable {
    public var firstName: String
    public var lastName: String
    /// "YYYY-MM-DD".
    public var dateOfBirth: String
    public var phone: String?
    public var email: String?
    public var preferredProvider: String?

    public init(firstName: String, lastName: String, dateOfBirth: String, phone: String? = nil, email: String? = nil, preferredProvider: String? = nil) {
        self.firstName = firstName
        self.lastName = lastName
        self.dateOfBirth = dateOfBirth
        self.phone = phone
        self.email = email
        self.preferredProvider = preferredProvider
    }

    enum CodingKeys: String, CodingKey {
        case firstName = "first_name", lastName = "last_name", dateOfBirth = "date_of_birth", phone, email
        case preferredProvider = "preferred_provider"
    }
}
