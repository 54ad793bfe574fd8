/// A clinician: where and when they work, and what they are known for.
public struct ProviderProfile: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var title: String?
    public var specialties: [String]
    public var locations: [String]
    public var hours: [WeeklyHours]

    public init(id: String, name: String, title: String? = nil, specialties: [String] = [], locations: [String], hours: [WeeklyHours]) {
        self.id = id
        self.name = name
        self.title = title
        self.specialties = specialties
        self.locations = locations
        self.hours = hours
    }

    enum CodingKeys: String, CodingKey { case id, name, title, specialties, locations, hours }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        specialties = try c.decodeIfPresent([String].self, forKey: .specialties) ?? []
        locations = try c.decodeIfPresent([String].self, forKey: .locations) ?? []
        hours = try c.decodeIfPresent([WeeklyHours].self, forKey: .hours) ?? []
    }
}
