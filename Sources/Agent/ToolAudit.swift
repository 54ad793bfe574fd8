import Foundation
import Logging
import OpenAIWire
import Scheduling
import Reception

/// The audit row of one tool call: conversation, tool call id, tool, arguments with phone
/// numbers and dates of birth masked, outcome code, duration in milliseconds. A turn keeps
/// them with its record, and the call log writes them in the turn's own transaction, off the
/// caller's path: an audit write waiting for another process's lock never holds a turn.
public enum ToolAudit {
    static func entry(_ outcome: ToolOutcome, context: ToolContext) -> AuditEntry {
        AuditEntry(
            conversationID: context.conversationID, toolCallID: outcome.call.id.bounded(128),
            toolName: outcome.call.name.bounded(64),
            arguments: maskedArguments(outcome.call.arguments), outcome: outcome.outcomeCode,
            durationMilliseconds: outcome.duration.elapsedMilliseconds, createdAt: context.now)
    }

    /// Most characters of masked arguments an audit row keeps; past it, only the length.
    static let maxStoredArguments = 4096

    /// The arguments as compact JSON with personal data masked and every string cut to 200
    /// characters. Text that is not JSON, or JSON still too large, is not stored at all (it
    /// could hold anything): only its length.
    public static func maskedArguments(_ raw: String) -> String {
        guard let parsed = try? JSONValue(parsing: raw) else {
            return JSONValue.object(["unparseable_characters": .int(raw.count)]).jsonString
        }
        let masked = mask(parsed).jsonString
        guard masked.utf8.count <= maxStoredArguments else {
            return JSONValue.object(["oversized_characters": .int(raw.count)]).jsonString
        }
        return masked
    }

    static func mask(_ value: JSONValue, key: String? = nil) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(Dictionary(members.map { ($0.key.bounded(64), mask($0.value, key: $0.key)) }, uniquingKeysWith: { first, _ in first }))
        case .array(let items):
            return .array(items.map { mask($0, key: key) })
        case .string(let text) where key.map(isSensitive) == true:
            return .string(masked(text))
        case .number(let literal) where key.map(isSensitive) == true:
            return .string(masked(literal))
        case .string(let text):
            return .string(text.bounded(200))
        default:
            return value
        }
    }

    private static func isSensitive(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return lowered.contains("phone") || lowered.contains("birth") || lowered == "dob" || lowered.contains("number")
    }

    /// Keeps the last two characters so staff can tell two attempts apart; masks the rest.
    private static func masked(_ text: String) -> String {
        text.count <= 2 ? "**" : String(repeating: "*", count: text.count - 2) + text.suffix(2)
    }
}
