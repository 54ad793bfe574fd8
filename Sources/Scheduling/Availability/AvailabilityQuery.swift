/// What a caller asked for: a service, optionally a provider and location, a local date range
/// and a time-of-day preference.
public struct AvailabilityQuery: Sendable, Equatable {
    public var serviceID: String
    public var providerID: String?
    public var locationID: String?
    /// First local date to search; nil = today (business-local).
    public var from: LocalDate?
    /// Last local date to search (inclusive); nil = `from` + 13 days. Clipped to the horizon.
    public var to: LocalDate?
    public var timeOfDay: TimeOfDayFilter
    /// At most this many slots in total.
    public var limit: Int
    /// At most this many slots per day (nil = no cap), to spread offers over several days.
    public var perDayLimit: Int?
    /// Offer each start time once even when several providers are free (profile order wins).
    public var oneProviderPerTime: Bool
    /// Holds made by this conversation do not block it.
    public var conversationID: String?

    public init(
        serviceID: String, providerID: String? = nil, locationID: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil,
        timeOfDay: TimeOfDayFilter = .any, limit: Int = 6, perDayLimit: Int? = nil, oneProviderPerTime: Bool = true,
        conversationID: String? = nil
    ) {
        self.serviceID = serviceID
        self.providerID = providerID
        self.locationID = locationID
        self.from = from
        self.to = to
        self.timeOfDay = timeOfDay
        self.limit = limit
        self.perDayLimit = perDayLimit
        self.oneProviderPerTime = oneProviderPerTime
        self.conversationID = conversationID
    }
}
