/// A person on the books. `phone` is E.164; `dateOfBirth` is "YYYY-MM-DD".
public struct Patient: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var firstName: String
    public var lastName: String
    public var dateOfBirth: String
    public var phone: String?
    public var email: String?
    public var preferredProviderID: String?

    public init(id: Int64, firstName: String, lastName: String, dateOfBirth: String, phone: String? = nil, email: String? = nil, preferredProviderID: String? = nil) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.dateOfBirth = dateOfBirth
        self.phone = phone
        self.email = email
        self.preferredProviderID = preferredProviderID
    }

    /// Case- and whitespace-insensitive key used to match names ("  ana  MARIA " → "ana maria").
    package static func nameKey(first: String, last: String) -> String {
        normalise(first) + "|" + normalise(last)
    }

    static func normalise(_ name: String) -> String {
        name.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// What `createPatient` needs; the phone may be in any accepted format (normalised on write).
public struct NewPatient: Sendable, Equatable {
    public var firstName: String
    public var lastName: String
    public var dateOfBirth: String
    public var phone: String?
    public var email: String?
    public var preferredProviderID: String?

    public init(firstName: String, lastName: String, dateOfBirth: String, phone: String? = nil, email: String? = nil, preferredProviderID: String? = nil) {
        self.firstName = firstName
        self.lastName = lastName
        self.dateOfBirth = dateOfBirth
        self.phone = phone
        self.email = email
        self.preferredProviderID = preferredProviderID
    }
}
