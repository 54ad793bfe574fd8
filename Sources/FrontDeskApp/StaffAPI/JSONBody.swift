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
        guard let date = clock.instant(parsing: text) else {
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
}
