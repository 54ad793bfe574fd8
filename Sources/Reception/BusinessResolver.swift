/// Decides which one business a request is for, from what the request proves and says, in a
/// fixed order: the API key's business (a key belongs to one business); the number called as
/// Telnyx reports it (`extra_metadata.telnyx_agent_target`); the number called as Vapi reports it
/// (`phoneNumber.number`); an `X-FrontDesk-Business` header on an authenticated request; the
/// only business, when there is one. Anything ambiguous or unknown is refused, never guessed.
public enum BusinessResolver {
    /// What a request carries that could name a business.
    public struct Signals: Sendable, Equatable {
        /// The business whose key authenticated the request.
        public var keyBusiness: String?
        /// Whether the request proved any key (a server key or a business key).
        public var authenticated: Bool
        public var telnyxCalledNumber: String?
        public var vapiCalledNumber: String?
        public var header: String?

        public init(keyBusiness: String? = nil, authenticated: Bool = false, telnyxCalledNumber: String? = nil,
                    vapiCalledNumber: String? = nil, header: String? = nil) {
            self.keyBusiness = keyBusiness
            self.authenticated = authenticated
            self.telnyxCalledNumber = telnyxCalledNumber
            self.vapiCalledNumber = vapiCalledNumber
            self.header = header
        }
    }

    /// Which rule decided; recorded with every call.
    public enum Rule: String, Sendable {
        case apiKey = "api_key"
        case telnyxAgentTarget = "telnyx_agent_target"
        case vapiPhoneNumber = "vapi_phone_number"
        case header = "header"
        case onlyBusiness = "only_business"
    }

    public struct Resolution: Sendable, Equatable {
        public var business: BusinessDirectory.Business
        public var rule: Rule
        /// The persona the number called picks, if it picks one.
        public var numberPersona: String?
    }

    public enum Refusal: Error, Sendable, Equatable {
        /// Two signals name different businesses (a key of A with B's number or header).
        case conflict(String)
        /// A number or a header names no business on this server.
        case unknown(String)
        /// Nothing names a business and the server has several.
        case unspecified(businesses: [String])
        /// The header was sent without a key that could vouch for it.
        case headerNeedsAuthentication
    }

    public static func resolve(_ signals: Signals, in directory: BusinessDirectory) -> Result<Resolution, Refusal> {
        let telnyx = signals.telnyxCalledNumber.flatMap { directory.numbers[$0] }
        let vapi = signals.vapiCalledNumber.flatMap { directory.numbers[$0] }
        let numbered = telnyx ?? vapi
        if signals.header != nil, !signals.authenticated { return .failure(.headerNeedsAuthentication) }
        if let telnyx, let vapi, telnyx.businessID != vapi.businessID {
            return .failure(.conflict("The numbers in extra_metadata.telnyx_agent_target and phoneNumber.number belong to different businesses."))
        }
        if let owner = signals.keyBusiness {
            guard let business = directory.businesses[owner] else { return .failure(.unknown("This API key's business no longer exists.")) }
            if let numbered, numbered.businessID != owner {
                return .failure(.conflict("The number called belongs to another business than this API key's."))
            }
            if let header = signals.header, header != owner {
                return .failure(.conflict("X-FrontDesk-Business names another business than this API key's."))
            }
            return .success(Resolution(business: business, rule: .apiKey, numberPersona: numbered?.persona))
        }
        if let numbered, let business = directory.businesses[numbered.businessID] {
            if let header = signals.header, header != numbered.businessID {
                return .failure(.conflict("X-FrontDesk-Business names another business than the number called."))
            }
            return .success(Resolution(business: business, rule: telnyx != nil ? .telnyxAgentTarget : .vapiPhoneNumber,
                                       numberPersona: numbered.persona))
        }
        if let header = signals.header {
            guard let business = directory.businesses[header] else {
                return .failure(.unknown("There is no business '\(header.prefix(64))' on this server."))
            }
            return .success(Resolution(business: business, rule: .header, numberPersona: nil))
        }
        if directory.businesses.count == 1, let only = directory.businesses.values.first {
            return .success(Resolution(business: only, rule: .onlyBusiness, numberPersona: nil))
        }
        if let number = signals.telnyxCalledNumber ?? signals.vapiCalledNumber {
            return .failure(.unknown("The number called (\(number.prefix(20))) belongs to no business on this server."))
        }
        return .failure(.unspecified(businesses: directory.businesses.keys.sorted()))
    }
}
