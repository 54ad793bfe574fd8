import Foundation

/// A phone number normalised to E.164 ("+15551234567").
///
/// Accepts what callers and staff type: "(555) 123-4567", "555-123-4567", "1 555 123 4567",
/// "+1 555 123 4567", "+44 20 7946 0958". Ten digits without a country code are taken as
/// US/Canada (NANP). Anything else — letters, too few/many digits, a NANP area code starting
/// with 0/1 — is rejected. (Exchange codes are not checked: 555-123-4567 style numbers are
/// what staff type in examples and tests.)
public struct PhoneNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    public let e164: String

    public init?(_ raw: String) {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        var digits = ""
        var sawPlus = false
        for (index, character) in trimmed.enumerated() {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if character == "+", index == 0 {
                sawPlus = true
            } else if !" -.()/".contains(character) {
                return nil
            }
        }
        if sawPlus {
            guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
            if digits.first == "1", !Self.isValidNANP(String(digits.dropFirst())) { return nil }
        } else if digits.count == 10 {
            guard Self.isValidNANP(digits) else { return nil }
            digits = "1" + digits
        } else if digits.count == 11, digits.first == "1" {
            guard Self.isValidNANP(String(digits.dropFirst())) else { return nil }
        } else {
            return nil
        }
        e164 = "+" + digits
    }

    public var description: String { e164 }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let number = PhoneNumber(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a phone number: \(raw)"))
        }
        self = number
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }

    /// NANP: the area code starts with 2–9.
    private static func isValidNANP(_ tenDigits: String) -> Bool {
        tenDigits.count == 10 && tenDigits.first! >= "2"
    }
}
