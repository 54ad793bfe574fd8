import OpenAIWire

/// Small helpers shared by the OpenAIWire tests.
enum Wire {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The error a request body is rejected with, or nil when it is accepted.
    static func validationError(_ body: String) -> RequestValidationError? {
        do {
            _ = try ChatCompletionRequest(body: Array(body.utf8))
            return nil
        } catch {
            return error
        }
    }

    /// The error a JSON text is rejected with, or nil when it parses.
    static func parseError(_ bytes: [UInt8]) -> JSONParseError? {
        do {
            _ = try JSONValue(parsing: bytes)
            return nil
        } catch {
            return error
        }
    }

    static func parseError(_ text: String) -> JSONParseError? { parseError(Array(text.utf8)) }

    /// Every event of a whole stream fed in one piece.
    static func events(_ stream: String) -> [String] {
        var decoder = ServerSentEventDecoder()
        return decoder.feed(Array(stream.utf8)) + decoder.finish()
    }

    /// Every event of a stream fed in the given pieces.
    static func events(_ bytes: [UInt8], cutAt cuts: [Int]) -> [String] {
        var decoder = ServerSentEventDecoder()
        var events: [String] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            events += decoder.feed(bytes[start..<cut])
            start = cut
        }
        return events + decoder.finish()
    }

    /// The chunks of a stream, `[DONE]` excluded.
    static func chunks(_ stream: String) throws -> [ChatCompletionChunk] {
        try events(stream).filter { $0 != "[DONE]" }.map { event in
            try ChatCompletionChunk(json: try JSONValue(parsing: event))
        }
    }

    /// What a client would assemble from a stream: the text, the tool calls, the finish reason and usage.
    struct Assembled {
        var content = ""
        var calls: [ToolCall] = []
        var finishReason: String?
        var usage: Usage?
    }

    static func assemble(_ stream: String) throws -> Assembled {
        var assembler = ToolCallAssembler()
        var result = Assembled()
        for chunk in try chunks(stream) {
            if let delta = chunk.delta {
                result.content += delta.content ?? ""
                for call in delta.toolCalls { assembler.add(call) }
            }
            if let reason = chunk.finishReason { result.finishReason = reason }
            if let usage = chunk.usage { result.usage = usage }
        }
        result.calls = assembler.calls()
        return result
    }

    /// The two calls every tool-call fixture carries.
    static let expectedCalls = [
        ToolCall(
            id: "call_Qh3MZrV0b8kTn2xYpL6sWd1F", name: "check_availability",
            arguments: #"{"date":"2025-06-20","time":"19:30","party_size":4}"#),
        ToolCall(id: "call_7yXcR2mKp9LbT4vNe1sQ0aJz", name: "lookup_customer", arguments: #"{"phone":"+14155550123"}"#),
    ]
}
