/// How slots are offered: the grid step, how soon and how far ahead, and how long a hold lasts.
public struct BookingRules: Codable, Sendable, Equatable {
    public var slotStepMinutes: Int
    public var minimumNoticeMinutes: Int
    public var horizonDays: Int
    public var holdMinutes: Int

    public init(slotStepMinutes: Int = 15, minimumNoticeMinutes: Int = 120, horizonDays: Int = 90, holdMinutes: Int = 5) {
        self.slotStepMinutes = slotStepMinutes
        self.minimumNoticeMinutes = minimumNoticeMinutes
        self.horizonDays = horizonDays
        self.holdMinutes = holdMinutes
    }

    enum CodingKeys: String, CodingKey {
        case slotStepMinutes = "slot_step_minutes", minimumNoticeMinutes = "minimum_notice_minutes"
        case horizonDays = "horizon_days", holdMinutes = "hold_minutes"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = BookingRules()
        slotStepMinutes = try c.decodeIfPresent(Int.self, forKey: .slotStepMinutes) ?? defaults.slotStepMinutes
        minimumNoticeMinutes = try c.decodeIfPresent(Int.self, forKey: .minimumNoticeMinutes) ?? defaults.minimumNoticeMinutes
        horizonDays = try c.decodeIfPresent(Int.self, forKey: .horizonDays) ?? defaults.horizonDays
        holdMinutes = try c.decodeIfPresent(Int.self, forKey: .holdMinutes) ?? defaults.holdMinutes
    }
}
