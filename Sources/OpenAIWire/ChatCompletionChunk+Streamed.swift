extension ChatCompletionChunk {
    /// Reads an upstream's SSE `data:` payload straight from its bytes, for the shape every
    /// OpenAI-compatible server streams. nil for anything else (not JSON, an error body, a field
    /// of another type than usual): `init(json:)` then reads it, with its errors and leniency.
    /// Where both read a payload they give the same chunk; this one builds no dictionaries,
    /// whose hashing was most of the instructions a streamed turn spent on each chunk.
    public init?(streamed text: String) {
        var parser = JSONParser(bytes: Array(text.utf8))
        guard let chunk = try? Self.read(&parser), parser.atEnd() else { return nil }
        self = chunk
    }

    /// Thrown to leave the fast path; never seen outside.
    private static let unusual = JSONParseError(offset: -1, reason: "not the usual chunk shape")

    private static func read(_ parser: inout JSONParser) throws(JSONParseError) -> ChatCompletionChunk {
        var chunk = ChatCompletionChunk(id: "", created: 0, model: "", delta: nil)
        parser.skipWhitespace()
        try parser.members(depth: 0) { parser, key throws(JSONParseError) in
            switch key {
            case "id": chunk.id = try string(&parser)
            case "model": chunk.model = try string(&parser)
            case "created":
                guard case .number(let literal) = try parser.parseValue(depth: 1) else { throw unusual }
                chunk.created = JSONValue.number(literal).intValue ?? 0
            case "system_fingerprint": chunk.systemFingerprint = try stringOrNull(&parser)
            case "usage": chunk.usage = Usage(json: try parser.parseValue(depth: 1))
            case "error": throw unusual
            case "choices":
                // A repeated key counts once, the last time, as in a parsed object.
                chunk.delta = nil
                chunk.finishReason = nil
                try parser.elements(depth: 1) { parser, position throws(JSONParseError) in
                    // Only the first choice is read (FrontDesk never asks for n > 1).
                    guard position == 0 else { _ = try parser.parseValue(depth: 2); return }
                    try parser.members(depth: 2) { parser, key throws(JSONParseError) in
                        switch key {
                        case "finish_reason": chunk.finishReason = try stringOrNull(&parser)
                        case "delta": chunk.delta = try delta(&parser)
                        default: _ = try parser.parseValue(depth: 3)
                        }
                    }
                }
            default: _ = try parser.parseValue(depth: 1)
            }
        }
        return chunk
    }

    private static func delta(_ parser: inout JSONParser) throws(JSONParseError) -> Delta? {
        if parser.peek == UInt8(ascii: "n") {
            guard case .null = try parser.parseValue(depth: 3) else { throw unusual }
            return nil
        }
        var delta = Delta()
        try parser.members(depth: 3) { parser, key throws(JSONParseError) in
            switch key {
            case "role": delta.role = try stringOrNull(&parser)
            case "content": delta.content = try stringOrNull(&parser)
            case "refusal": delta.refusal = try stringOrNull(&parser)
            case "tool_calls":
                // Rare (a tool call's pieces) and varied: read as JSON, as `init(json:)` does.
                if case .array(let calls) = try parser.parseValue(depth: 4) {
                    delta.toolCalls = calls.enumerated().map { ToolCallDelta(json: $1, position: $0) }
                } else {
                    delta.toolCalls = []
                }
            default: _ = try parser.parseValue(depth: 4)
            }
        }
        return delta
    }

    private static func string(_ parser: inout JSONParser) throws(JSONParseError) -> String {
        guard parser.peek == UInt8(ascii: "\"") else { throw unusual }
        return try parser.parseString()
    }

    private static func stringOrNull(_ parser: inout JSONParser) throws(JSONParseError) -> String? {
        switch parser.peek {
        case UInt8(ascii: "\""): return try parser.parseString()
        case UInt8(ascii: "n"):
            guard case .null = try parser.parseValue(depth: 1) else { throw unusual }
            return nil
        default: throw unusual
        }
    }
}
