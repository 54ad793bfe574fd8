import Foundation
import Hummingbird
import Reception
import Scheduling

/// A staff request's query string, read into typed values. Every bad value is a 400 naming
/// the parameter, never a silently ignored filter.
struct QueryParameters {
    private let values: [String: String]

    init(_ request: Request) {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { values[String(name)] = String(value) }
        self.values = values
    }

    /// The value, or nil when absent or empty.
    func string(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func localDate(_ name: String) throws -> LocalDate? {
        guard let text = string(name) else { return nil }
        guard text.count == 10, let date = LocalDate(text) else { throw Self.invalid(name, "must be a date as YYYY-MM-DD") }
        return date
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Self.invalid(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func identifier(_ name: String) throws -> Int64? {
        guard let text = string(name) else { return nil }
        guard let value = Int64(text), value > 0 else { throw Self.invalid(name, "must be a positive whole number") }
        return value
    }

    /// The digits of a phone fragment ("555-01" → "55501"); at least one.
    func digits(_ name: String) throws -> String? {
        guard let text = string(name) else { return nil }
        let digits = String(text.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
        guard !digits.isEmpty, digits.count <= 15 else { throw Self.invalid(name, "must contain 1 to 15 digits of a phone number") }
        return digits
    }

    func oneOf<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            throw Self.invalid(name, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// `limit` (1–`maximum`, default `defaultLimit`) and `cursor` (a `next_cursor` from an earlier page).
    func page(defaultLimit: Int = 50, maximum: Int = 200) throws -> PageRequest {
        let limit = try integer("limit", in: 1...maximum) ?? defaultLimit
        guard let text = string("cursor") else { return PageRequest(limit: limit) }
        guard let cursor = Self.decodeCursor(text) else {
            throw Self.invalid("cursor", "is not a cursor this API gave out (pass next_cursor from the previous page unchanged)")
        }
        return PageRequest(limit: limit, after: cursor)
    }

    /// Cursors are opaque to clients: base64url of "position:id".
    static func encodeCursor(_ cursor: PageCursor) -> String {
        Data("\(cursor.position):\(cursor.id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ text: String) -> PageCursor? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.count <= 400, let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8),
              let colon = decoded.firstIndex(of: ":"), let position = Int64(decoded[..<colon])
        else { return nil }
        return PageCursor(position: position, id: String(decoded[decoded.index(after: colon)...]))
    }

    static func invalid(_ name: String, _ message: String) -> OpenAIHTTPError {
        .invalidRequest("Query parameter '\(name)' \(message).", param: name, code: "invalid_arguments")
    }
}
