import Foundation
import OpenAIWire

/// One stage of a call, as a persona declares it (after Ultravox's call stages): its own
/// instructions and the subset of tools it offers. The model moves the call on with
/// `change_stage`, a tool FrontDesk answers itself; the stage is kept with the conversation's
/// tool rounds (and so shown in the call log) and read back from them on the next turn.
///
/// In a persona file, after the body:
///
///     --- stage scheduling ---
///     tools: find_available_slots, hold_slot, book_appointment
///     Find a time the caller likes, hold it, read it back, then book it…
///
/// The first stage is where a call starts. A persona without stages offers every tool always.
public struct CallStage: Sendable, Hashable {
    public let name: String
    /// The tools offered in this stage; nil: all the persona's.
    public let tools: Set<String>?
    /// Plain text appended to the system message while the call is in this stage.
    public let instructions: String

    public init(name: String, tools: Set<String>?, instructions: String) {
        self.name = name
        self.tools = tools
        self.instructions = instructions
    }

    /// The tool FrontDesk answers itself to move the call to another stage.
    public static let toolName = "change_stage"

    /// `change_stage`'s schema for these stages.
    static func changeTool(_ stages: [CallStage]) -> ToolDefinition {
        let names = stages.map(\.name)
        return ToolDefinition(
            name: toolName,
            description: "Move the call to another stage when the caller's need calls for it: \(names.joined(separator: ", ")).",
            parameters: ToolSchema.object([("stage", ["type": "string", "enum": .array(names.map { .string($0) })])]))
    }

    /// What the system message says of the current stage.
    func block(among stages: [CallStage]) -> String {
        let others = stages.map(\.name).filter { $0 != name }
        var text = "CURRENT STAGE: \(name)\n\(instructions)"
        if !others.isEmpty { text += "\nTo move the call on, call \(Self.toolName) with one of: \(others.joined(separator: ", "))." }
        return text
    }

    /// The stage sections of a persona body (`--- stage NAME ---` to the next `--- … ---` line
    /// or the end), and the body without them.
    static func extract(from body: String) -> (stages: [CallStage], rest: String) {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        var stages: [CallStage] = []
        var rest: [Substring] = []
        var current: (name: String, lines: [Substring])?
        func close() {
            guard let open = current else { return }
            var text = open.lines
            while let first = text.first, first.trimmingCharacters(in: .whitespaces).isEmpty { text.removeFirst() }
            var tools: Set<String>?
            if let first = text.first, first.lowercased().hasPrefix("tools:") {
                tools = Set(first.dropFirst(6).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
                text.removeFirst()
            }
            stages.append(CallStage(name: open.name, tools: tools,
                                    instructions: text.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)))
            current = nil
        }
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("---"), trimmed.hasSuffix("---"), trimmed.count > 6 {
                let inner = trimmed.dropFirst(3).dropLast(3).trimmingCharacters(in: .whitespaces)
                if inner.lowercased().hasPrefix("stage ") {
                    close()
                    current = (String(inner.dropFirst(6)).trimmingCharacters(in: .whitespaces), [])
                    continue
                }
                close()  // another marker (`--- text ---`) ends a stage section
            }
            if current != nil { current!.lines.append(line) } else { rest.append(line) }
        }
        close()
        return (stages.filter { !$0.name.isEmpty }, rest.joined(separator: "\n"))
    }

    /// The stage the conversation is in after `rounds` (FrontDesk's own tool rounds, oldest
    /// first): the last stage `change_stage` moved it to, if it is still one of `stages`.
    static func current(after rounds: [ChatMessage], stages: [CallStage]) -> CallStage? {
        let latest = rounds.successfulToolResults().last { $0.tool == toolName && $0.result["stage"]?.stringValue != nil }
        return stages.first { $0.name == latest?.result["stage"]?.stringValue } ?? stages.first
    }
}
