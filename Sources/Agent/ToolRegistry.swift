import Foundation
import Logging
import OpenAIWire

/// FrontDesk's own tools, by name, and how a model's tool calls are split between us and
/// the client.
///
/// Any call that names a tool the *client* defined goes back to the client; every other
/// call is ours to answer, including names nobody defined, which get an `unknown_tool`
/// result so the model can correct itself.
public struct ToolRegistry: Sendable {
    private let tools: [String: any AgentTool]
    private let order: [String]

    /// Tools never block: the front desk's store runs blocking work on threads of its own.
    public init(_ tools: [any AgentTool]) {
        self.tools = Dictionary(tools.map { ($0.definition.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.order = tools.map(\.definition.name)
    }

    public var names: [String] { order }

    /// The schemas offered to the model, minus tools the persona turned off.
    public func definitions(excluding disabled: Set<String>) -> [ToolDefinition] {
        order.filter { !disabled.contains($0) }.compactMap { tools[$0]?.definition }
    }

    /// Splits calls into ours and the client's.
    public func partition(_ calls: [ToolCall], clientTools: Set<String>) -> (ours: [ToolCall], client: [ToolCall]) {
        var ours: [ToolCall] = []
        var client: [ToolCall] = []
        for call in calls {
            if clientTools.contains(call.name) { client.append(call) } else { ours.append(call) }
        }
        return (ours, client)
    }

    /// Runs calls concurrently; results come back in the calls' order, each as the JSON text
    /// of the tool message. A failure is a result too, never a thrown error.
    public func execute(
        _ calls: [ToolCall], disabled: Set<String>, context: ToolContext
    ) async -> [ToolOutcome] {
        await withTaskGroup(of: (Int, ToolOutcome).self) { group in
            for (index, call) in calls.enumerated() {
                group.addTask { (index, await self.execute(call, disabled: disabled, context: context)) }
            }
            var outcomes = [ToolOutcome?](repeating: nil, count: calls.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.map { $0! }
        }
    }

    private func execute(_ call: ToolCall, disabled: Set<String>, context: ToolContext) async -> ToolOutcome {
        let started = ContinuousClock.now
        let result: Result<JSONValue, ToolFailure>
        if let tool = tools[call.name], !disabled.contains(call.name) {
            if let arguments = try? JSONValue(parsing: call.arguments), case .object = arguments {
                do throws(ToolFailure) {
                    result = .success(try await tool.run(arguments: arguments, context: context))
                } catch {
                    result = .failure(error)
                }
            } else {
                result = .failure(
                    ToolFailure(code: "invalid_arguments", message: "The arguments are not a JSON object. Send the arguments as a JSON object matching the tool's schema."))
            }
        } else {
            let available = definitions(excluding: disabled).map(\.name).joined(separator: ", ")
            result = .failure(
                ToolFailure(code: "unknown_tool", message: "There is no tool named '\(call.name.bounded(64, singleLine: true))'. Available tools: \(available.isEmpty ? "none" : available)."))
        }
        let elapsed = ContinuousClock.now - started
        // Labels are bounded: a tool the model made up is "unknown", an outcome is ok or a refusal code.
        let outcome: String = switch result {
        case .success: "ok"
        case .failure(let failure): failure.code
        }
        AgentMetrics.tool(tools[call.name] == nil ? "unknown" : call.name, outcome: outcome, took: elapsed)
        return ToolOutcome(call: call, result: result, duration: elapsed)
    }
}

/// The result of one executed (or refused) tool call.
public struct ToolOutcome: Sendable {
    public let call: ToolCall
    public let result: Result<JSONValue, ToolFailure>
    public let duration: Duration

    /// The `tool` message content the model reads.
    public var content: String {
        switch result {
        case .success(let value): value.jsonString
        case .failure(let failure): failure.json.jsonString
        }
    }

    public var outcomeCode: String {
        switch result {
        case .success: "ok"
        case .failure(let failure): failure.code
        }
    }
}
