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
}
