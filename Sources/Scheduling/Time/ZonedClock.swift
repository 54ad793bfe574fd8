import Foundation

/// Converts between UTC instants and business-local wall-clock time in one IANA zone.
///
/// DST-correct by construction: a local time is resolved with the offset in force at that
/// local time, so a 09:00 opening is 09:00 local on both sides of a change. A local time that
/// does not exist (inside a spring-forward gap) resolves to nil.
public struct ZonedClock: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        timeZone = zone
    }

    /// The UTC instant (Unix seconds) of `minutes` after local midnight on `date`.
    public func utcSeconds(_ date: LocalDate, minutes: Int) -> Int64? {
        let wall = Int64(date.daysSinceEpoch) * 86_400 + Int64(minutes) * 60
        let guess = wall - Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall))))
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(guess))))
        let candidate = wall - offset
        // In a spring-forward gap no offset maps back to the wall time.
        return localWallSeconds(candidate) == wall ? candidate : nil
    }

    /// A converter for one local date. Asking the zone for its offset is the expensive part
    /// (three lookups per `utcSeconds`), and availability asks for every slot of every provider
    /// of every day; on a day without an offset change one lookup serves them all.
    public func day(_ date: LocalDate) -> Day {
        var fixedOffset: Int64?
        if let start = utcSeconds(date, minutes: 0), let end = utcSeconds(date.adding(days: 1), minutes: 0) {
            let startOffset = Int64(date.daysSinceEpoch) * 86_400 - start
            let endOffset = Int64(date.daysSinceEpoch + 1) * 86_400 - end
            if startOffset == endOffset { fixedOffset = startOffset }
        }
        return Day(clock: self, date: date, fixedOffset: fixedOffset)
    }

    /// One local date's wall-clock minutes as UTC instants (see `day(_:)`).
    public struct Day: Sendable {
        let clock: ZonedClock
        public let date: LocalDate
        /// The offset in force all day; nil on a day with a change (then each time is resolved).
        let fixedOffset: Int64?

        public func utcSeconds(minutes: Int) -> Int64? {
            guard let fixedOffset, (0...1440).contains(minutes) else { return clock.utcSeconds(date, minutes: minutes) }
            return Int64(date.daysSinceEpoch) * 86_400 + Int64(minutes) * 60 - fixedOffset
        }
    }

    public func date(_ date: LocalDate, minutes: Int) -> Date? {
        utcSeconds(date, minutes: minutes).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// Local wall-clock seconds since 1970-01-01T00:00 local.
    func localWallSeconds(_ utc: Int64) -> Int64 {
        utc + Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc))))
    }

    /// The local date and minutes after midnight of an instant.
    public func local(_ date: Date) -> (date: LocalDate, minutes: Int) {
        local(utcSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    func local(utcSeconds: Int64) -> (date: LocalDate, minutes: Int) {
        let wall = localWallSeconds(utcSeconds)
        let days = wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400
        return (LocalDate(daysSinceEpoch: Int(days)), Int((wall - days * 86_400) / 60))
    }

    /// "Monday, November 23, 2026 at 9:00 AM EST (UTC−05:00)"-style text is the Agent's job;
    /// this gives the plain ISO 8601 local form with offset, e.g. "2026-11-23T09:00:00-05:00".
    public func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// "YYYY-MM-DD(T| )HH:MM[:SS[.fraction]][Z|±HH:MM]": with an offset or `Z` an instant, without
    /// one a wall time in this zone. nil for anything else, including a local time that does
    /// not exist (inside a spring-forward gap). The one reader of times a model, a client or a
    /// form writes.
    public func instant(parsing text: String) -> Date? {
        let chars = Array(text)
        guard chars.count >= 16, chars[10] == "T" || chars[10] == " " || chars[10] == "t",
              let day = LocalDate(String(chars[0..<10])) else { return nil }
        var rest = Array(chars[11...])
        func twoDigits(_ slice: ArraySlice<Character>) -> Int? {
            guard slice.count == 2, slice.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(String(slice))
        }
        guard rest.count >= 5, rest[2] == ":", let hour = twoDigits(rest[0..<2]), let minute = twoDigits(rest[3..<5]),
              hour < 24, minute < 60 else { return nil }
        rest.removeFirst(5)
        var second = 0
        if rest.first == ":" {
            guard rest.count >= 3, let parsed = twoDigits(rest[1..<3]), parsed < 60 else { return nil }
            second = parsed
            rest.removeFirst(3)
            // Fractions of a second (RFC 3339 allows them) are read and dropped.
            if rest.first == "." {
                let digits = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
                guard !digits.isEmpty else { return nil }
                rest.removeFirst(1 + digits.count)
            }
        }
        if rest.isEmpty {
            return date(day, minutes: hour * 60 + minute).map { $0.addingTimeInterval(TimeInterval(second)) }
        }
        var offsetSeconds = 0
        if rest == ["Z"] || rest == ["z"] {
            offsetSeconds = 0
        } else {
            guard rest.count == 6, rest[0] == "+" || rest[0] == "-", rest[3] == ":",
                  let oh = twoDigits(rest[1..<3]), let om = twoDigits(rest[4..<6]), oh <= 14, om < 60 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (rest[0] == "-" ? -1 : 1)
        }
        let wall = day.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(wall - offsetSeconds))
    }
}
