/// The businesses one server answers for, their phone numbers and their API keys (hashed):
/// a snapshot of the registry, read by every request to decide whose front desk it reaches.
public struct BusinessDirectory: Sendable, Equatable {
    public struct Business: Sendable, Equatable {
        public var id: String
        /// The persona a call gets when neither the request nor the number chose one.
        public var defaultPersona: String?
        /// Where its persona files are; nil: the server's `PERSONAS_DIR`.
        public var personasDirectory: String?
        /// Its calendar file; nil: the server's own database file (the home business).
        public var databasePath: String?

        public init(id: String, defaultPersona: String? = nil, personasDirectory: String? = nil, databasePath: String? = nil) {
            self.id = id
            self.defaultPersona = defaultPersona
            self.personasDirectory = personasDirectory
            self.databasePath = databasePath
        }
    }

    /// A number callers dial, in E.164, and the persona it answers with (if it picks one).
    public struct Number: Sendable, Equatable {
        public var businessID: String
        public var persona: String?

        public init(businessID: String, persona: String? = nil) {
            self.businessID = businessID
            self.persona = persona
        }
    }

    /// An API key that is not revoked: whose it is, and its id (what the audit trail names,
    /// never the key itself).
    public struct Key: Sendable, Equatable {
        public var businessID: String
        public var id: Int64

        public init(businessID: String, id: Int64) {
            self.businessID = businessID
            self.id = id
        }
    }

    public var businesses: [String: Business]
    public var numbers: [String: Number]
    /// Key hash → the key, for keys not revoked.
    public var keys: [String: Key]

    public init(businesses: [String: Business], numbers: [String: Number] = [:], keys: [String: Key] = [:]) {
        self.businesses = businesses
        self.numbers = numbers
        self.keys = keys
    }
}
