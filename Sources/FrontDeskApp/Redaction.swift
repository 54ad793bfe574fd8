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
    /// two values can still be told apart. Text with neither comes back as it was.
    ///
    /// It runs on every value of every log line (the request log included), so it is one pass
    /// over the bytes: the Regex version it replaced cost 45 µs per request-log line, this 0.6 µs.
    public static func personalData(in text: String) -> String {
        let bytes = Array(text.utf8)
        var masked: [UInt8]?
        var start = 0
        while start < bytes.count {
            guard isDigit(bytes[start]) else {
                start += 1
                continue
            }
            // A run of digits and separators, ending at its last digit.
            var end = start
            var index = start
            var digits = 0
            var dateMark = false
            while index < bytes.count, isDigit(bytes[index]) || isSeparator(bytes[index]) {
                if isDigit(bytes[index]) {
                    digits += 1
                    end = index
                } else if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "/") {
                    dateMark = true
                }
                index += 1
            }
            if digits >= 7 || (dateMark && digits >= 4) {
                if masked == nil { masked = bytes }
                var left = digits
                for position in start...end where isDigit(bytes[position]) {
                    left -= 1
                    if left >= 2 { masked?[position] = UInt8(ascii: "*") }
                }
            }
            start = end + 1
        }
        guard let masked else { return text }
        return String(decoding: masked, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// What may stand between the digits of one phone number or date: space ( ) . - /
    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/")
    }
}
