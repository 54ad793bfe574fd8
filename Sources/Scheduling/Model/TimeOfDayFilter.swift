import Foundation

/// Which start times a caller wants, in business-local minutes after midnight:
/// a start is accepted when `earliestStart <= start < latestStart`.
///
/// Built from structured cases or parsed from what a caller says: "morning", "afternoon",
/// "evening", "after 3pm", "before 11am", "between 1 and 3pm", "after 15:30", "before noon".
/// A bare hour 1–6 ("after 3") is read as pm, since nobody books a dentist at 3 a.m.
public struct TimeOfDayFilter: Codable, Sendable, Equatable, CustomStringConvertible {
    public var earliestStart: Int
    public var latestStart: Int

    public init(earliestStart: Int = 0, latestStart: Int = 1440) {
        self.earliestStart = earliestStart
        self.latestStart = latestStart
    }

    public static let any = TimeOfDayFilter()
    public static let morning = TimeOfDayFilter(earliestStart: 0, latestStart: 12 * 60)
    public static let afternoon = TimeOfDayFilter(earliestStart: 12 * 60, latestStart: 17 * 60)
    public static let evening = TimeOfDayFilter(earliestStart: 17 * 60, latestStart: 1440)
    public static func after(hour: Int, minute: Int = 0) -> TimeOfDayFilter { TimeOfDayFilter(earliestStart: hour * 60 + minute) }
    public static func before(hour: Int, minute: Int = 0) -> TimeOfDayFilter { TimeOfDayFilter(latestStart: hour * 60 + minute) }

    public func accepts(minutes: Int) -> Bool { minutes >= earliestStart && minutes < latestStart }

    public var description: String { "\(MinuteOfDay.string(earliestStart))–\(MinuteOfDay.string(latestStart))" }

    /// Parses a spoken phrase; nil when it is not understood (the caller should then ask).
    public init?(phrase: String) {
        let text = Patient.normalise(phrase)
            .replacingOccurrences(of: "a.m.", with: "am").replacingOccurrences(of: "p.m.", with: "pm")
            .replacingOccurrences(of: "o'clock", with: "")
        let words = text.split(separator: " ").map(String.init).filter { !["in", "the", "at", "any", "time"].contains($0) }
        let joined = words.joined(separator: " ")
        switch joined {
        case "", "anytime", "whenever": self = .any; return
        case "morning", "mornings", "early": self = .morning; return
        case "afternoon", "afternoons", "midday": self = .afternoon; return
        case "evening", "evenings", "late", "night": self = .evening; return
        default: break
        }
        guard let first = words.first else { return nil }
        let rest = words.dropFirst().joined(separator: " ")
        switch first {
        case "after", "from", "past":
            guard let minutes = Self.clockMinutes(rest) else { return nil }
            self.init(earliestStart: minutes)
        case "before", "by", "until":
            guard let minutes = Self.clockMinutes(rest) else { return nil }
            self.init(latestStart: minutes)
        case "between":
            let bounds = rest.components(separatedBy: " and ")
            guard bounds.count == 2 else { return nil }
            // "between 1 and 3pm": a meridiem on the second bound applies to the first too.
            let meridiem = bounds[1].hasSuffix("am") ? "am" : bounds[1].hasSuffix("pm") ? "pm" : ""
            let firstText = bounds[0].hasSuffix("am") || bounds[0].hasSuffix("pm") ? bounds[0] : bounds[0] + meridiem
            guard let start = Self.clockMinutes(firstText), let end = Self.clockMinutes(bounds[1]), start < end else { return nil }
            self.init(earliestStart: start, latestStart: end)
        default:
            return nil
        }
    }

    /// "3pm", "3 pm", "3:30pm", "15:00", "11am", "noon", "midnight", bare "3" → minutes.
    static func clockMinutes(_ raw: String) -> Int? {
        var text = raw.replacingOccurrences(of: " ", with: "")
        if text == "noon" || text == "midday" { return 720 }
        var meridiem: String?
        for suffix in ["am", "pm"] where text.hasSuffix(suffix) {
            meridiem = suffix
            text.removeLast(2)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let hour = Int(parts[0]),
              parts.count == 1 || parts[1].count == 2, let minute = parts.count == 2 ? Int(parts[1]) : 0,
              (0...59).contains(minute) else { return nil }
        switch meridiem {
        case "am":
            guard (1...12).contains(hour) else { return nil }
            return (hour % 12) * 60 + minute
        case "pm":
            guard (1...12).contains(hour) else { return nil }
            return (hour % 12 + 12) * 60 + minute
        default:
            guard (0...24).contains(hour) else { return nil }
            if parts.count == 1, (1...6).contains(hour) { return (hour + 12) * 60 + minute }
            return hour * 60 + minute
        }
    }
}
