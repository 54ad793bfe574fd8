/// A place patients come to, with its opening hours (providers work only inside them).
public struct LocationProfile: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var address: String?
    public var phone: String?
    public var hours: [WeeklyHours]

    public init(id: String, name: String, address: String? = nil, phone: String? = nil, hours: [WeeklyHours]) {
        self.id = id
        self.name = name
        self.address = address
        self.phone = phone
        self.hours = hours
    }

    enum CodingKeys: String, CodingKey { case id, name, address, phone, hours }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        address = try c.decodeIfPresent(String.self, forKey: .address)
        phone = try c.decodeIfPresent(String.self, forKey: .phone)
        hours = try c.decodeIfPresent([WeeklyHours].self, forKey: .hours) ?? []
    }
}
