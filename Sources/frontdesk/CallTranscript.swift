import Agent
import Foundation
import OpenAIWire
import SQLiteStore
import Scheduling

/// Renders the call log for staff (`frontdesk calls`): times in the business's zone, tool
/// rounds spelled out, in the order things happened within each turn.
enum CallTranscript {
    /// One line per conversation, most recent first.
    static func table(_ calls: [CallSummary], timeZone: TimeZone) -> String {
        let header = ["ID", "STARTED", "LAST TURN", "CALLER", "PERSONA", "TURNS"]
        let body = calls.map { call in
            [call.id, timestamp(call.startedAt, timeZone), timestamp(call.lastTurnAt, timeZone), call.caller ?? "-",
             call.persona, "\(call.turns)"]
        }
        let lines = TextTable.lines(header: header, rows: body)
        let footer = "\(calls.count) conversation\(calls.count == 1 ? "" : "s"), times in \(timeZone.identifier)"
        return (lines + [footer]).joined(separator: "\n")
    }

    /// The whole conversation: each turn's caller line, tool calls and results, the answer,
    /// calls handed to the client, and failures.
    static func render(_ call: CallSummary, turns: [CallTurnRecord], timeZone: TimeZone) -> String {
        var lines = [
            "Conversation \(call.id)",
            "  caller \(call.caller ?? "unknown"), persona \(call.persona), \(call.turns) turn\(call.turns == 1 ? "" : "s"), "
                + "started \(timestamp(call.startedAt, timeZone)) (\(timeZone.identifier))",
        ]
        if let telephony = call.telephonyCallID { lines.append("  telephony call id \(telephony)") }
        if let rule = call.businessRule { lines.append("  reached this business by \(rule)") }
        for (index, turn) in turns.enumerated() {
            lines.append("")
            lines.append("Turn \(index + 1) at \(timestamp(turn.startedAt, timeZone)), \(turn.durationMilliseconds) ms, "
                + "\(turn.streamed ? "streamed" : "JSON"), request \(turn.requestID)")
            if let said = turn.callerText { lines.append("  caller:    \(said)") }
            for message in parsedArray(turn.internalMessages) {
                if case .array(let calls)? = message["tool_calls"] {
                    for call in calls {
                        let function = call["function"]
                        lines.append("  tool call: \(function?["name"]?.stringValue ?? "?") \(function?["arguments"]?.stringValue ?? "")")
                    }
                } else if message["role"]?.stringValue == "tool" {
                    lines.append("  result:    \(message["content"]?.stringValue ?? "")")
                }
            }
            if let answer = turn.answer { lines.append("  assistant: \(answer)") }
            for intervention in parsedArray(turn.interventions) {
                lines.append("  guard:     \(intervention["kind"]?.stringValue ?? "?"): \(intervention["text"]?.stringValue ?? "")")
            }
            for call in parsedArray(turn.clientToolCalls) {
                let function = call["function"]
                lines.append("  to client: \(function?["name"]?.stringValue ?? "?") \(function?["arguments"]?.stringValue ?? "")")
            }
            if let error = turn.error { lines.append("  FAILED:    \(error)") }
            if turn.finishReason == ConversationTurn.interrupted { lines.append("  (interrupted: the client closed the stream here)") }
        }
        return lines.joined(separator: "\n")
    }

    private static func parsedArray(_ text: String) -> [JSONValue] {
        guard case .array(let items)? = try? JSONValue(parsing: text) else { return [] }
        return items
    }

    private static func timestamp(_ date: Date, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
