/// A day of the week as written in the profile ("monday"…"sunday").
public enum Weekday: String, Codable, Sendable, CaseIterable, Equatable {
    case sunday, monday, tuesday, wednesday, thursday, friday, saturday

    /// 0 = Sunday … 6 = Saturday, the order `LocalDate.weekday` counts in.
    init(index: Int) { self = Weekday.allCases[index] }

    /// "Monday", as said aloud.
    public var displayName: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
