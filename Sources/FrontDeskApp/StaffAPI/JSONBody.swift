import Foundation
import Hummingbird
import NIOCore
import OpenAIWire
import Reception
import Scheduling

/// A staff request's JSON body, read into typed fields. A missing or mistyped field is a 400
/// naming it; fields this API does not know are ignored (clients may send more than we read).
struct JSONBody {
    let fields: [String: JSONValue]

    /// Reads the body (an empty one is `{}`): 413 past `limit`, 400 for anything but a JSON object.
    static func read(_ request: Request, limit: Int) async throws -> JSONBody {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw OpenAIHTTPError(status: .contentTooLarge, message: "The request body is larger than the limit of \(limit) bytes (MAX_BODY_BYTES).",
                                  type: "invalid_request_error", code: "request_too_large")
        }
        if buffer.readableBytes == 0 || buffer.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return JSONBody(fields: [:])
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: buffer.readableBytesView)
        } catch {
            throw OpenAIHTTPError.invalidRequest("The body is not valid JSON (\(error)).", code: "invalid_request")
        }
        guard case .object(let fields) = value else {
            throw OpenAIHTTPError.invalidRequest("The body must be a JSON object, not \(value.typeName).", code: "invalid_request")
        }
        return JSONBody(fields: fields)
    }

    func string(_ name: String) throws -> String {
        guard let value = try optionalString(name) else { throw Self.invalid(name, "is required") }
        return value
    }

    /// Absent or null: nil. Strings are trimmed; an empty one is nil.
    func optionalString(_ name: String, maxLength: Int = 1000) throws -> String? {
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= maxLength else { throw Self.invalid(name, "must be at most \(maxLength) characters") }
            return trimmed.isEmpty ? nil : trimmed
        case let other?: throw Self.invalid(name, "must be a string, not \(other.typeName)")
        }
    }

    func identifier(_ name: String) throws -> Int64 {
        switch fields[name] {
        case nil, .null?: throw Self.invalid(name, "is required")
        case .number(let literal)? where Int64(literal).map({ $0 > 0 }) == true: return Int64(literal)!
        case let other?: throw Self.invalid(name, "must be a positive whole number, not \(other.jsonString.bounded(40, singleLine: true))")
        }
    }

    /// An instant: RFC 3339 with an offset or `Z`, or a local time without one, read in the
    /// business's zone ("2026-12-01T09:30").
    func instant(_ name: String, clock: ZonedClock) throws -> Date {
        let text = try string(name)
        guard let date = Self.parseInstant(text, clock: clock) else {
            throw Self.invalid(name, "must be a date and time such as 2026-12-01T09:30:00-05:00 (or local, 2026-12-01T09:30)")
        }
        return date
    }

    /// Absent: unchanged; null or "": cleared; a string: set.
    func contactField(_ name: String) throws -> ContactUpdate.Field {
        switch fields[name] {
        case nil: return .unchanged
        case .null?: return .cleared
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= 254 else { throw Self.invalid(name, "must be at most 254 characters") }
            return trimmed.isEmpty ? .cleared : .set(trimmed)
        case let other?: throw Self.invalid(name, "must be a string or null, not \(other.typeName)")
        }
    }

    static func invalid(_ name: String, _ message: String) -> OpenAIHTTPError {
        .invalidRequest("'\(name)' \(message).", param: name, code: "invalid_arguments")
    }

    /// "YYYY-MM-DD(T| )HH:MM[:SS[.fraction]][Z|±HH:MM]".
    static func parseInstant(_ text: String, clock: ZonedClock) -> Date? {
        let chars = Array(text.utf8)
        guard chars.count >= 16, let date = LocalDate(String(decoding: chars[0..<10], as: UTF8.self)),
              chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t") || chars[10] == UInt8(ascii: " ")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count, chars[range].allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return Int(String(decoding: chars[range], as: UTF8.self))
        }
        guard let hour = number(11..<13), chars[13] == UInt8(ascii: ":"), let minute = number(14..<16), hour < 24, minute < 60 else { return nil }
        var index = 16
        var second = 0
        if index < chars.count, chars[index] == UInt8(ascii: ":") {
            guard let value = number(index + 1..<index + 3), value < 60 else { return nil }
            second = value
            index += 3
            if index < chars.count, chars[index] == UInt8(ascii: ".") {
                index += 1
                let start = index
                while index < chars.count, (0x30...0x39).contains(chars[index]) { index += 1 }
                guard index > start else { return nil }
            }
        }
        let wall = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        if index == chars.count {
            guard let start = clock.utcSeconds(date, minutes: hour * 60 + minute) else { return nil }
            return Date(timeIntervalSince1970: TimeInterval(start + Int64(second)))
        }
        if chars[index] == UInt8(ascii: "Z") || chars[index] == UInt8(ascii: "z") {
            guard index + 1 == chars.count else { return nil }
            return Date(timeIntervalSince1970: TimeInterval(wall))
        }
        guard chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-"), index + 6 == chars.count,
              let offsetHours = number(index + 1..<index + 3), chars[index + 3] == UInt8(ascii: ":"),
              let offsetMinutes = number(index + 4..<index + 6), offsetHours < 24, offsetMinutes < 60
        else { return nil }
        let offset = Int64(offsetHours * 3600 + offsetMinutes * 60) * (chars[index] == UInt8(ascii: "-") ? -1 : 1)
        return Date(timeIntervalSince1970: TimeInterval(wall - offset))
    }
}
