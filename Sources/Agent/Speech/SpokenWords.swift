/// Sentences as the speech guard reads them: lowercased words (letters, digits, apostrophes),
/// clock times and weekdays. Plain scanning, no regular expressions: it runs on every clause
/// the caller hears.
enum SpokenWords {
    /// "I've booked it for 8:00 AM." → ["i've", "booked", "it", "for", "8", "00", "am"].
    static func tokens(_ text: String) -> [Substring] {
        let lowered = text.lowercased().replacing("\u{2019}", with: "'")
        return lowered.split { !($0.isLetter || $0.isNumber || $0 == "'") }.map { $0 }
    }

    static let weekdayNames: Set<String> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    static func weekdays(in text: String) -> Set<String> {
        Set(tokens(text).map(String.init).filter(weekdayNames.contains))
    }

    /// Clock times said in `text`, as minutes after midnight: "8 AM", "8:30 p.m.", "noon". A
    /// time with minutes but no AM/PM ("8:30") may be either half of the day.
    static func times(in text: String) -> Set<Int> {
        var found = Set<Int>()
        let characters = Array(text.lowercased())
        var index = 0
        while index < characters.count {
            guard characters[index].isNumber, index == 0 || !characters[index - 1].isNumber else { index += 1; continue }
            var end = index
            var hour = 0
            while end < characters.count, characters[end].isNumber, end - index < 2 { hour = hour * 10 + characters[end].wholeNumberValue!; end += 1 }
            var minute = 0
            var hasMinutes = false
            if end + 2 < characters.count, characters[end] == ":", characters[end + 1].isNumber, characters[end + 2].isNumber {
                minute = characters[end + 1].wholeNumberValue! * 10 + characters[end + 2].wholeNumberValue!
                hasMinutes = true
                end += 3
            }
            var look = end
            while look < characters.count, characters[look] == " " { look += 1 }
            let rest = String(characters[look..<min(characters.count, look + 4)]).replacing(".", with: "")
            index = end
            guard (0...23).contains(hour), minute < 60 else { continue }
            if rest.hasPrefix("am") || rest.hasPrefix("pm") {
                guard (1...12).contains(hour) else { continue }
                let base = hour % 12 + (rest.hasPrefix("pm") ? 12 : 0)
                found.insert(base * 60 + minute)
            } else if hasMinutes {
                found.insert(hour * 60 + minute)
                if hour < 12 { found.insert((hour + 12) * 60 + minute) }
            }
        }
        let words = Set(tokens(text))
        if words.contains("noon") || words.contains("midday") { found.insert(12 * 60) }
        return found
    }
}
