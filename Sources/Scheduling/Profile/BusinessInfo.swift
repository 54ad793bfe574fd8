/// The practice itself: its name, the IANA time zone every local time is in, and its FAQ.
public struct BusinessInfo: Codable, Sendable, Equatable {
    public var name: String
    /// IANA identifier, e.g. "America/New_York".
    public var timeZone: String
    public var phone: String?
    public var address: String?
    public var faq: [FAQEntry]

    public init(name: String, timeZone: String, phone: String? = nil, address: String? = nil, faq: [FAQEntry] = []) {
        self.name = name
        self.timeZone = timeZone
        self.phone = phone
        self.address = address
        self.faq = faq
    }

    enum CodingKeys: String, CodingKey { case name, timeZone = "time_zone", phone, address, faq }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        timeZone = try c.decode(String.self, forKey: .timeZone)
        phone = try c.decodeIfPresent(String.self, forKey: .phone)
        address = try c.decodeIfPresent(String.self, forKey: .address)
        faq = try c.decodeIfPresent([FAQEntry].self, forKey: .faq) ?? []
    }
}

/// One question the assistant may answer from the profile rather than invent.
public struct FAQEntry: Codable, Sendable, Equatable {
    public var question: String
    public var answer: String

    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }
}
