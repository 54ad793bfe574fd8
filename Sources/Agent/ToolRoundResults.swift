import OpenAIWire

extension Sequence<ChatMessage> {
    /// The results of FrontDesk's own tool rounds that succeeded, oldest first, each with the
    /// name of the tool that gave it: what later turns read back from remembered rounds (the
    /// stage, holds, what the calendar backs). A result that is no JSON object, or carries an
    /// `error`, is left out.
    func successfulToolResults() -> [(tool: String, result: JSONValue)] {
        var names: [String: String] = [:]
        var results: [(tool: String, result: JSONValue)] = []
        for message in self {
            for call in message.toolCalls { names[call.id] = call.name }
            guard message.role == .tool, let id = message.toolCallID, let name = names[id], let text = message.text,
                  let result = try? JSONValue(parsing: text), case .object = result, result["error"] == nil
            else { continue }
            results.append((name, result))
        }
        return results
    }
}
