import Foundation
import OpenAIWire
import Scheduling

/// A tool call's arguments, read field by field with validation.
///
/// Every accessor throws `ToolFailure` `invalid_arguments` whose `details.field` names the
/// offending field, so the model can fix exactly that one. Nullable fields may be absent or
/// `null`; unknown fields are refused (the schemas say `additionalProperties: false`).
struct ToolArguments {
    let members: [String: JSONValue]

    /// - Throws: `invalid_arguments` when `json` is not an object or has a field not in `allowed`.
    init(_ json: JSONValue, allowed: [String]) throws(ToolFailure) {
        guard case .object(let members) = json else {
            throw ToolFailure.invalidArguments(field: nil, "The arguments must be a JSON object.")
        }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }).map({ $0.bounded(64, singleLine: true) }) {
            throw ToolFailure.invalidArguments(
                field: unknown, "Unknown field '\(unknown)'. Allowed fields: \(allowed.joined(separator: ", ")).")
        }
        self.members = members
    }

    /// A non-empty string, trimmed.
    func string(_ field: String) throws(ToolFailure) -> String {
        guard let value = try optionalString(field) else {
            throw ToolFailure.invalidArguments(field: field, "'\(field)' is required.")
        }
        return value
    }

    /// Longest string any field accepts: arguments are stored (audit) and read back to models.
    static let maxStringLength = 500

    /// A string, trimmed; nil when absent, null or empty. Control characters (NUL, newlines
    /// inside the text, escapes) and text over `maxLength` characters are refused: no field of
    /// ours needs them, and caller-supplied text ends up in stores and prompts (A12).
    func optionalString(_ field: String, maxLength: Int = maxStringLength) throws(ToolFailure) -> String? {
        switch members[field] {
        case nil, .null?: return nil
        case .string(let text)?:
            // Counted in scalars before trimming: a megabyte of text costs no more than this.
            guard text.unicodeScalars.count <= maxLength * 2 else {
                throw ToolFailure.invalidArguments(field: field, "'\(field)' is too long (at most \(maxLength) characters).")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= maxLength else {
                throw ToolFailure.invalidArguments(field: field, "'\(field)' is too long (at most \(maxLength) characters).")
            }
            guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ToolFailure.invalidArguments(field: field, "'\(field)' contains control characters.")
            }
            return trimmed.isEmpty ? nil : trimmed
        case let other?:
            throw ToolFailure.invalidArguments(field: field, "'\(field)' must be a string, not \(other.typeName).")
        }
    }

    /// A person's first or last name as a caller would spell it: letters (any script), spaces,
    /// hyphens, apostrophes and periods, at most 60 characters, at least one letter.
    func personName(_ field: String) throws(ToolFailure) -> String {
        let name = try string(field)
        let allowed: (Unicode.Scalar) -> Bool = { scalar in
            scalar.properties.isAlphabetic || scalar.properties.generalCategory == .nonspacingMark
                || scalar.properties.generalCategory == .spacingMark || " -'’.".unicodeScalars.contains(scalar)
        }
        guard name.count <= 60, name.unicodeScalars.allSatisfy(allowed),
              name.unicodeScalars.contains(where: { $0.properties.isAlphabetic })
        else {
            throw ToolFailure.invalidArguments(
                field: field, "'\(field)' must be a name: letters, spaces, hyphens and apostrophes, at most 60 characters.")
        }
        return name
    }

    /// A whole number; a numeric string ("12") is accepted since models sometimes quote ids.
    func integer(_ field: String) throws(ToolFailure) -> Int64 {
        guard let value = try optionalInteger(field) else {
            throw ToolFailure.invalidArguments(field: field, "'\(field)' is required.")
        }
        return value
    }

    func optionalInteger(_ field: String) throws(ToolFailure) -> Int64? {
        switch members[field] {
        case nil, .null?: return nil
        case .number(let literal)?:
            if let value = Int64(literal) { return value }
        case .string(let text)?:
            if let value = Int64(text.trimmingCharacters(in: .whitespaces)) { return value }
        default: break
        }
        throw ToolFailure.invalidArguments(field: field, "'\(field)' must be a whole number.")
    }

    /// A calendar date "YYYY-MM-DD".
    func optionalDate(_ field: String) throws(ToolFailure) -> LocalDate? {
        guard let text = try optionalString(field) else { return nil }
        guard let date = LocalDate(text) else {
            throw ToolFailure.invalidArguments(field: field, "'\(field)' must be a date as YYYY-MM-DD, got '\(text.bounded(40, singleLine: true))'.")
        }
        return date
    }

    func date(_ field: String) throws(ToolFailure) -> LocalDate {
        guard let date = try optionalDate(field) else {
            throw ToolFailure.invalidArguments(field: field, "'\(field)' is required (YYYY-MM-DD).")
        }
        return date
    }

    /// A start time: "YYYY-MM-DDTHH:MM[:SS]" in the business's local time, optionally with an
    /// offset ("-05:00") or "Z" as `find_available_slots` returns it.
    func dateTime(_ field: String, clock: ZonedClock) throws(ToolFailure) -> Date {
        let text = try string(field)
        guard let date = clock.instant(parsing: text) else {
            throw ToolFailure.invalidArguments(
                field: field,
                "'\(field)' must be a local date and time like 2026-11-23T09:00 (or with its offset, 2026-11-23T09:00:00-05:00), got '\(text.bounded(40, singleLine: true))'.")
        }
        return date
    }
}

extension ToolFailure {
    /// `invalid_arguments`, naming the field (in `details.field`) when there is one.
    static func invalidArguments(field: String?, _ message: String) -> ToolFailure {
        ToolFailure(code: "invalid_arguments", message: message, details: field.map { ["field": .string($0)] })
    }
}
