/// Free slots grouped by business-local day, in time order; when the range had none,
/// `nextAvailableDate` is the first later date (within the horizon) that has some.
public struct AvailabilityResult: Codable, Sendable, Equatable {
    /// One local day's offers.
    public struct Day: Codable, Sendable, Equatable {
        /// "2026-11-23".
        public var localDate: String
        /// "Monday".
        public var weekday: String
        public var slots: [Slot]

        public init(localDate: String, weekday: String, slots: [Slot]) {
            self.localDate = localDate
            self.weekday = weekday
            self.slots = slots
        }
    }

    public var days: [Day]
    public var nextAvailableDate: String?

    public init(days: [Day], nextAvailableDate: String? = nil) {
        self.days = days
        self.nextAvailableDate = nextAvailableDate
    }

    public var slots: [Slot] { days.flatMap(\.slots) }
}
