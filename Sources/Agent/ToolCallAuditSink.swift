import Foundation
import Logging
import OpenAIWire
import Scheduling
import Reception

/// Writes each tool outcome, through the front desk, as one row of the append-only record of
/// tool calls: conversation, tool call id, tool, arguments with phone numbers and dates of
/// birth masked, outcome code, duration in milliseconds.
public struct ToolCallAuditSink: ToolAuditSink {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    public func record(_ outcome: ToolOutcome, context: ToolContext) async {
        let entry = AuditEntry(
            conversationID: context.conversationID, toolCallID: outcome.call.id.bounded(128),
            toolName: outcome.call.name.bounded(64),
            arguments: Self.maskedArguments(outcome.call.arguments), outcome: outcome.outcomeCode,
            durationMilliseconds: outcome.duration.elapsedMilliseconds, createdAt: context.now)
        await desk.recordToolCall(entry)
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
