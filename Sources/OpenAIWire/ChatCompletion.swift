/// A complete `chat.completion` object: the non-streaming answer.
///
/// Encoding writes every field OpenAI always sends, `null`s included (`content`, `refusal`,
/// `logprobs`), because clients parse the official shape rather than Swift's defaults.
public struct ChatCompletion: Sendable, Hashable {
    public var id: String
    public var created: Int
    public var model: String
    public var content: String?
    public var toolCalls: [ToolCall]
    public var refusal: String?
    public var finishReason: String
    public var usage: Usage?
    public var systemFingerprint: String?

    public init(
        id: String, created: Int, model: String, content: String?, toolCalls: [ToolCall] = [], refusal: String? = nil,
        finishReason: String, usage: Usage? = nil, systemFingerprint: String? = nil
    ) {
        self.id = id
        self.created = created
        self.model = model
        self.content = content
        self.toolCalls = toolCalls
        self.refusal = refusal
        self.finishReason = finishReason
        self.usage = usage
        self.systemFingerprint = systemFingerprint
    }

    /// Reads an upstream's `chat.completion` leniently: the first choice is the answer.
    public init(json: JSONValue) throws(RequestValidationError) {
        guard case .object = json, case .array(let choices)? = json["choices"], let choice = choices.first,
            case .object(let message)? = choice["message"]
        else {
            throw RequestValidationError("The upstream answer is not a chat.completion object.", param: nil)
        }
        var calls: [ToolCall] = []
        if case .array(let rawCalls)? = message["tool_calls"] {
            for (index, raw) in rawCalls.enumerated() {
                calls.append(try ToolCall(json: raw, param: "choices[0].message.tool_calls[\(index)]"))
            }
        }
        self.init(
            id: json["id"]?.stringValue ?? "",
            created: json["created"]?.intValue ?? 0,
            model: json["model"]?.stringValue ?? "",
            content: message["content"]?.stringValue,
            toolCalls: calls,
            refusal: message["refusal"]?.stringValue,
            finishReason: choice["finish_reason"]?.stringValue ?? (calls.isEmpty ? "stop" : "tool_calls"),
            usage: Usage(json: json["usage"]),
            systemFingerprint: json["system_fingerprint"]?.stringValue)
    }

    public var json: JSONValue {
        var message: [String: JSONValue] = [
            "role": "assistant",
            "content": content.map(JSONValue.string) ?? .null,
            "refusal": refusal.map(JSONValue.string) ?? .null,
        ]
        if !toolCalls.isEmpty { message["tool_calls"] = .array(toolCalls.map(\.json)) }
        var object: [String: JSONValue] = [
            "id": .string(id),
            "object": "chat.completion",
            "created": .int(created),
            "model": .string(model),
            "choices": [
                ["index": 0, "message": .object(message), "logprobs": .null, "finish_reason": .string(finishReason)]
            ],
        ]
        // OpenAI's schema types system_fingerprint as a string, not nullable: omit it when unknown.
        if let systemFingerprint { object["system_fingerprint"] = .string(systemFingerprint) }
        if let usage { object["usage"] = usage.json }
        return .object(object)
    }
}
