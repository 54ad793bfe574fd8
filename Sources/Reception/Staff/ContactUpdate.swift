/// A change to a patient's contact details: each field is left alone, cleared or set.
public struct ContactUpdate: Sendable, Equatable {
    public enum Field: Sendable, Equatable {
        case unchanged
        case cleared
        case set(String)
    }

    public var phone: Field
    public var email: Field

    public init(phone: Field = .unchanged, email: Field = .unchanged) {
        self.phone = phone
        self.email = email
    }
}
