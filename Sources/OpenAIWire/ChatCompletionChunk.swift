/// One `chat.completion.chunk` of a stream, with at most one choice (FrontDesk never asks for n > 1).
public struct ChatCompletionChunk: Sendable, Hashable {
    public var id: String
    public var created: Int
    public var model: String
    public var delta: Delta?
    public var finishReason: String?
    /// Present only on the final usage chunk, whose `choices` is empty.
    public var usage: Usage?
    public var systemFingerprint: String?

    /// What a chunk adds to the message being streamed.
    public struct Delta: Sendable, Hashable {
        public var role: String?
        public var content: String?
        public var refusal: String?
        public var toolCalls: [ToolCallDelta]

        public init(role: String? = nil, content: String? = nil, refusal: String? = nil, toolCalls: [ToolCallDelta] = []) {
            self.role = role
            self.content = content
            self.refusal = refusal
            self.toolCalls = toolCalls
        }
    }

    public init(
        id: String, created: Int, model: String, delta: Delta?, finishReason: String? = nil, usage: Usage? = nil,
        systemFingerprint: String? = nil
    ) {
        self.id = id
        self.created = created
        self.model = model
        self.delta = delta
        self.finishReason = finishReason
        self.usage = usage
        self.systemFingerprint = systemFingerprint
    }

    /// Reads an upstream chunk leniently. Servers differ (llama.cpp, vLLM, OpenAI): missing
    /// fields default rather than fail, and only the first choice is read.
    public init(json: JSONValue) throws(RequestValidationError) {
        guard case .object = json else {
            throw RequestValidationError("The upstream sent a chunk that is not a JSON object.", param: nil)
        }
        var delta: Delta?
        var finishReason: String?
        if case .array(let choices)? = json["choices"], let choice = choices.first {
            finishReason = choice["finish_reason"]?.stringValue
            if case .object(let raw)? = choice["delta"] {
                var calls: [ToolCallDelta] = []
                if case .array(let rawCalls)? = raw["tool_calls"] {
                    calls = rawCalls.enumerated().map { ToolCallDelta(json: $1, position: $0) }
                }
                delta = Delta(
                    role: raw["role"]?.stringValue, content: raw["content"]?.stringValue,
                    refusal: raw["refusal"]?.stringValue, toolCalls: calls)
            }
        }
        self.init(
            id: json["id"]?.stringValue ?? "", created: json["created"]?.intValue ?? 0,
            model: json["model"]?.stringValue ?? "", delta: delta, finishReason: finishReason,
            usage: Usage(json: json["usage"]), systemFingerprint: json["system_fingerprint"]?.stringValue)
    }

    /// The chunk as one server-sent event, `data: {…}\n\n`: the bytes `ServerSentEvent.data(json)`
    /// gives. A chunk of text alone (nearly every chunk of a spoken answer) is written straight
    /// into the bytes, without building the dictionaries of `json` (which cost a stream most of
    /// its per-chunk instructions in hashing and sorting keys).
    public var serverSentEvent: [UInt8] {
        guard let delta, let content = delta.content, delta.role == nil, delta.refusal == nil, delta.toolCalls.isEmpty,
              usage == nil, systemFingerprint == nil
        else { return ServerSentEvent.data(json) }
        var output: [UInt8] = []
        output.reserveCapacity(160 + content.utf8.count + id.utf8.count + model.utf8.count)
        // Keys in sorted order, as `JSONValue.serialized()` writes them.
        output.append(contentsOf: #"data: {"choices":[{"delta":{"content":"#.utf8)
        JSONValue.writeString(content, to: &output)
        output.append(contentsOf: #"},"finish_reason":"#.utf8)
        if let finishReason { JSONValue.writeString(finishReason, to: &output) } else { output.append(contentsOf: "null".utf8) }
        output.append(contentsOf: #","index":0,"logprobs":null}],"created":"#.utf8)
        output.append(contentsOf: String(created).utf8)
        output.append(contentsOf: #","id":"#.utf8)
        JSONValue.writeString(id, to: &output)
        output.append(contentsOf: #","model":"#.utf8)
        JSONValue.writeString(model, to: &output)
        output.append(contentsOf: #","object":"chat.completion.chunk"}"#.utf8)
        output.append(contentsOf: [0x0A, 0x0A])
        return output
    }

    /// The chunk as OpenAI sends it: a choice carries `delta`, `logprobs: null` and
    /// `finish_reason` (null until the last); the usage chunk has `choices: []`.
    public var json: JSONValue {
        var choices: [JSONValue] = []
        if let delta {
            var rawDelta: [String: JSONValue] = [:]
            if let role = delta.role { rawDelta["role"] = .string(role) }
            if let content = delta.content {
                rawDelta["content"] = .string(content)
            } else if delta.role != nil || !delta.toolCalls.isEmpty {
                rawDelta["content"] = .null
            }
            if let refusal = delta.refusal { rawDelta["refusal"] = .string(refusal) }
            if !delta.toolCalls.isEmpty { rawDelta["tool_calls"] = .array(delta.toolCalls.map(\.json)) }
            choices.append([
                "index": 0, "delta": .object(rawDelta), "logprobs": .null,
                "finish_reason": finishReason.map(JSONValue.string) ?? .null,
            ])
        }
        var object: [String: JSONValue] = [
            "id": .string(id), "object": "chat.completion.chunk", "created": .int(created), "model": .string(model),
            "choices": .array(choices),
        ]
        // OpenAI's schema types system_fingerprint as a string, not nullable: omit it when unknown.
        if let systemFingerprint { object["system_fingerprint"] = .string(systemFingerprint) }
        if let usage { object["usage"] = usage.json }
        return .object(object)
    }
}

/// A fragment of a tool call inside a streamed delta. Upstreams differ in what they repeat:
/// the name may come once or in every fragment, the whole call may come at once, and
/// several calls may interleave, told apart only by `index`.
public struct ToolCallDelta: Sendable, Hashable {
    public var index: Int
    public var id: String?
    public var name: String?
    public var arguments: String?

    public init(index: Int, id: String? = nil, name: String? = nil, arguments: String? = nil) {
        self.index = index
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    init(json: JSONValue, position: Int) {
        var arguments = json["function"]?["arguments"]?.stringValue
        if arguments == nil, let object = json["function"]?["arguments"], case .object = object {
            arguments = object.jsonString
        }
        self.init(
            index: json["index"]?.intValue ?? position, id: json["id"]?.stringValue,
            name: json["function"]?["name"]?.stringValue, arguments: arguments)
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = ["index": .int(index)]
        if let id { object["id"] = .string(id); object["type"] = "function" }
        var function: [String: JSONValue] = [:]
        if let name { function["name"] = .string(name) }
        if let arguments { function["arguments"] = .string(arguments) }
        if !function.isEmpty { object["function"] = .object(function) }
        return .object(object)
    }
}
