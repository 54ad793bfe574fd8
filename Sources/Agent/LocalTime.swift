import Foundation

/// Formats instants in the business's time zone the way the model should read them:
/// weekday, date, time and the UTC offset spelled out. A model told bare UTC books the
/// wrong day for evening callers, so nothing here ever prints UTC alone.
public struct LocalTime: Sendable {
    public let timeZone: TimeZone
    private let calendar: Foundation.Calendar

    private static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Foundation.Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// "Saturday, November 21, 2026, 3:04 PM (America/New_York, UTC-05:00)". The IANA name,
    /// not an abbreviation: Linux Foundation abbreviates as "GMT-5", which says nothing the
    /// offset does not, and "EST"/"EDT" would be ambiguous across zones anyway.
    public func long(_ date: Date) -> String {
        "\(dayAndDate(date)), \(clock(date)) (\(timeZone.identifier), \(offset(date)))"
    }

    /// "Saturday, November 21, 2026"
    public func dayAndDate(_ date: Date) -> String {
        let parts = calendar.dateComponents([.weekday, .month, .day, .year], from: date)
        return "\(Self.weekdays[parts.weekday! - 1]), \(Self.months[parts.month! - 1]) \(parts.day!), \(parts.year!)"
    }

    /// "Monday, November 23 at 9:30 AM" — the form a voice reads a slot in.
    public func slot(_ date: Date) -> String {
        let parts = calendar.dateComponents([.weekday, .month, .day], from: date)
        return "\(Self.weekdays[parts.weekday! - 1]), \(Self.months[parts.month! - 1]) \(parts.day!) at \(clock(date))"
    }

    /// "2026-11-21"
    public func isoDate(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// "2026-11-23T09:30:00-05:00": machine-readable but still local, for tool results.
    public func isoDateTime(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!,
            parts.second!) + offset(date, prefix: "")
    }

    /// "3:04 PM"
    public func clock(_ date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let hour12 = (parts.hour! + 11) % 12 + 1
        return String(format: "%d:%02d %@", hour12, parts.minute!, parts.hour! < 12 ? "AM" : "PM")
    }

    public func weekday(_ date: Date) -> String {
        Self.weekdays[calendar.component(.weekday, from: date) - 1]
    }

    /// "UTC-05:00", or "-05:00" with an empty prefix.
    func offset(_ date: Date, prefix: String = "UTC") -> String {
        let seconds = timeZone.secondsFromGMT(for: date)
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return String(format: "%@%@%02d:%02d", prefix, sign, minutes / 60, minutes % 60)
    }
}
