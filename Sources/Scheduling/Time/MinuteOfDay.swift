/// Minutes after local midnight, parsed from and printed as "HH:MM" (24-hour).
package enum MinuteOfDay {
    /// "08:00" → 480; "24:00" is allowed as an end of day. Nil for anything malformed.
    package static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0...59).contains(m) else { return nil }
        let total = h * 60 + m
        return total <= 1440 ? total : nil
    }

    package static func string(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0\(h)" : "\(h)") + ":" + (m < 10 ? "0\(m)" : "\(m)")
    }

    /// 540 → "9:00 AM", 1395 → "11:15 PM": how a person reads a time of day, in the console,
    /// a text or a call.
    package static func twelveHour(_ minutes: Int) -> String {
        let hour = (minutes / 60) % 24, minute = minutes % 60
        return "\(hour % 12 == 0 ? 12 : hour % 12):\(minute < 10 ? "0" : "")\(minute) \(hour < 12 ? "AM" : "PM")"
    }
}
