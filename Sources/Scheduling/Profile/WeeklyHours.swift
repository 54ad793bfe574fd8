/// One opening period on a weekday, in business-local wall-clock time ("08:00"–"17:00"),
/// with breaks inside it. For a provider, `location` says where they work that period.
public struct WeeklyHours: Codable, Sendable, Equatable {
    public var day: Weekday
    public var open: String
    public var close: String
    public var breaks: [TimeRange]
    public var location: String?

    public init(day: Weekday, open: String, close: String, breaks: [TimeRange] = [], location: String? = nil) {
        self.day = day
        self.open = open
        self.close = close
        self.breaks = breaks
        self.location = location
    }

    enum CodingKeys: String, CodingKey { case day, open, close, breaks, location }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        day = try c.decode(Weekday.self, forKey: .day)
        open = try c.decode(String.self, forKey: .open)
        close = try c.decode(String.self, forKey: .close)
        breaks = try c.decodeIfPresent([TimeRange].self, forKey: .breaks) ?? []
        location = try c.decodeIfPresent(String.self, forKey: .location)
    }
}

/// A local wall-clock range within a day, "12:00"–"13:00".
public struct TimeRange: Codable, Sendable, Equatable {
    public var start: String
    public var end: String

    public init(start: String, end: String) {
        self.start = start
        self.end = end
    }
}
