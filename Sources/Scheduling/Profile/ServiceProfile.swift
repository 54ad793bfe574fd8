/// An appointment type: how long it takes, the buffers around it, and who may do it.
public struct ServiceProfile: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var durationMinutes: Int
    public var bufferBeforeMinutes: Int
    public var bufferAfterMinutes: Int
    public var providers: [String]
    public var description: String?

    public init(
        id: String, name: String, durationMinutes: Int, bufferBeforeMinutes: Int = 0, bufferAfterMinutes: Int = 0,
        providers: [String], description: String? = nil
    ) {
        self.id = id
        self.name = name
        self.durationMinutes = durationMinutes
        self.bufferBeforeMinutes = bufferBeforeMinutes
        self.bufferAfterMinutes = bufferAfterMinutes
        self.providers = providers
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case id, name, durationMinutes = "duration_minutes", bufferBeforeMinutes = "buffer_before_minutes"
        case bufferAfterMinutes = "buffer_after_minutes", providers, description
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        durationMinutes = try c.decode(Int.self, forKey: .durationMinutes)
        bufferBeforeMinutes = try c.decodeIfPresent(Int.self, forKey: .bufferBeforeMinutes) ?? 0
        bufferAfterMinutes = try c.decodeIfPresent(Int.self, forKey: .bufferAfterMinutes) ?? 0
        providers = try c.decodeIfPresent([String].self, forKey: .providers) ?? []
        description = try c.decodeIfPresent(String.self, forKey: .description)
    }
}
