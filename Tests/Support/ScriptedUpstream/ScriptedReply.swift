/// What the scripted fake upstream answers to one chat completion request.
///
/// This is a FAKE upstream LLM for tests and benchmarks: it never calls a model. Each reply
/// is consumed by exactly one `POST /v1/chat/completions`.

/// How a scripted tool call is cut into streamed `delta.tool_calls` entries. Real servers
/// differ here; FrontDesk must assemble the same calls from every shape.
public enum ToolCallShape: String, Sendable, Codable {
    /// OpenAI's shape: id, type and name once (arguments ""), then argument fragments.
    case fragments
    /// Like `fragments`, but id, type and name are repeated in every delta.
    case repeated
    /// Each whole call (id, name, all arguments) in a single delta.
    case whole
    /// Several calls interleaved by `index`: all headers first, then argument fragments round-robin.
    case interleaved
}

/// One tool call the fake "model" makes.
public struct ScriptedToolCall: Sendable, Codable, Equatable {
    /// The call id; `nil` lets the fake generate `call_fake_<n>`.
    public var id: String?
    public var name: String
    /// Raw JSON text of the arguments, sent as is (it may deliberately be invalid JSON).
    public var arguments: String

    public init(id: String? = nil, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// One scripted reply.
///
/// JSON form (used by `POST /_script`):
/// `{"type":"text","text":…}`, `{"type":"tool_calls","calls":[{"id"?,"name","arguments"}],"shape":"fragments"}`,
/// `{"type":"status","status":500,"message":…,"retry_after":1}`, `{"type":"hang"}`,
/// `{"type":"drop","text":…,"after_words":3}`, `{"type":"echo"}`.
public enum ScriptedReply: Sendable, Codable, Equatable {
    /// stream:true → role chunk, one chunk per word (with its trailing spaces), a finish chunk
    /// ("stop"), a usage chunk when `stream_options.include_usage`, then `[DONE]`.
    /// stream:false → one `chat.completion`.
    case text(String)
    /// finish_reason "tool_calls", content null.
    case toolCalls([ScriptedToolCall], shape: ToolCallShape)
    /// An OpenAI-shaped error body with this HTTP status; a `Retry-After` header when set.
    case status(Int, message: String, retryAfterSeconds: Int?)
    /// Accepts the request and never sends a byte, until the client disconnects or the fake stops.
    case hang
    /// Streams the role chunk and the first `afterWords` word chunks, then closes the
    /// connection abruptly: no finish chunk, no `[DONE]`, no terminating HTTP chunk.
    case dropMidStream(text: String, afterWords: Int)
    /// Text "You said: <last user message text>".
    case echo
    /// A 200 `text/event-stream` body of exactly these pieces, each written and flushed on its
    /// own (SSE comments, `choices: []`, an endless line …); then, with `stall`, not another byte
    /// until the client goes away or the fake stops.
    case raw([String], stall: Bool)

    private enum CodingKeys: String, CodingKey {
        case type, text, calls, shape, status, message, pieces, stall
        case retryAfter = "retry_after"
        case afterWords = "after_words"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "text":
            self = .text(try c.decode(String.self, forKey: .text))
        case "tool_calls":
            self = .toolCalls(
                try c.decode([ScriptedToolCall].self, forKey: .calls),
                shape: try c.decodeIfPresent(ToolCallShape.self, forKey: .shape) ?? .fragments
            )
        case "status":
            self = .status(
                try c.decode(Int.self, forKey: .status),
                message: try c.decodeIfPresent(String.self, forKey: .message) ?? "scripted upstream error",
                retryAfterSeconds: try c.decodeIfPresent(Int.self, forKey: .retryAfter)
            )
        case "hang":
            self = .hang
        case "drop":
            self = .dropMidStream(
                text: try c.decode(String.self, forKey: .text),
                afterWords: try c.decode(Int.self, forKey: .afterWords)
            )
        case "echo":
            self = .echo
        case "raw":
            self = .raw(try c.decode([String].self, forKey: .pieces), stall: try c.decodeIfPresent(Bool.self, forKey: .stall) ?? false)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "unknown reply type \"\(type)\" (text, tool_calls, status, hang, drop, echo, raw)"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try c.encode("text", forKey: .type)
            try c.encode(text, forKey: .text)
        case .toolCalls(let calls, let shape):
            try c.encode("tool_calls", forKey: .type)
            try c.encode(calls, forKey: .calls)
            try c.encode(shape, forKey: .shape)
        case .status(let status, let message, let retryAfter):
            try c.encode("status", forKey: .type)
            try c.encode(status, forKey: .status)
            try c.encode(message, forKey: .message)
            try c.encodeIfPresent(retryAfter, forKey: .retryAfter)
        case .hang:
            try c.encode("hang", forKey: .type)
        case .dropMidStream(let text, let afterWords):
            try c.encode("drop", forKey: .type)
            try c.encode(text, forKey: .text)
            try c.encode(afterWords, forKey: .afterWords)
        case .echo:
            try c.encode("echo", forKey: .type)
        case .raw(let pieces, let stall):
            try c.encode("raw", forKey: .type)
            try c.encode(pieces, forKey: .pieces)
            try c.encode(stall, forKey: .stall)
        }
    }
}

/// One request the fake received on `/v1/*`.
public struct RecordedRequest: Sendable {
    public let path: String
    /// The `Authorization` header as received, or `nil`.
    public let authorization: String?
    /// The raw request body text (JSON for chat completions, empty for GET).
    public let body: String

    public init(path: String, authorization: String?, body: String) {
        self.path = path
        self.authorization = authorization
        self.body = body
    }
}
