import Foundation

/// Masks personal data and secrets before they reach a log line or an error message (A5).
public enum Redaction {
    /// "+15551234567" → "+1555***4567": enough to tell calls apart, not enough to call back.
    public static func phone(_ number: String?) -> String {
        guard let number, number.count > 7 else { return number == nil ? "none" : "***" }
        return number.prefix(4) + "***" + number.suffix(4)
    }

    /// Removes every occurrence of the given secrets and anything shaped like an OpenAI key.
    public static func secrets(in text: String, secrets: [String]) -> String {
        var output = text
        for secret in secrets where secret.count >= 6 {
            output = output.replacingOccurrences(of: secret, with: "[redacted]")
        }
        // "sk-" keys an upstream might echo back, even ones we did not send.
        var result = ""
        var rest = Substring(output)
        while let range = rest.range(of: "sk-") {
            result += rest[..<range.lowerBound]
            let tail = rest[range.upperBound...]
            let keyChars = tail.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "*" }
            if keyChars.count >= 8 {
                result += "sk-[redacted]"
                rest = tail.dropFirst(keyChars.count)
            } else {
                result += "sk-"
                rest = tail
            }
        }
        return result + rest
    }

    /// Masks what looks like a phone number (seven or more digits, with the usual separators)
    /// or a calendar date (2026-11-29, 11/29/2026) in free text, keeping the last two digits so
    /// two values can still be told apart. Text without digits comes back as it was.
    public static func personalData(in text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return text }
        var output = text.replacing(datePattern) { match in mask(match.output) }
        output = output.replacing(phonePattern) { match in
            match.output.filter(\.isNumber).count >= 7 ? mask(match.output) : String(match.output)
        }
        return output
    }

    nonisolated(unsafe) private static let datePattern = #/\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}/#
    nonisolated(unsafe) private static let phonePattern = #/\+?\d[\d ().-]{5,}\d/#

    private static func mask(_ text: Substring) -> String {
        var digitsLeft = text.filter(\.isNumber).count
        return String(text.map { character -> Character in
            guard character.isNumber else { return character }
            digitsLeft -= 1
            return digitsLeft < 2 ? character : "*"
        })
    }
}
