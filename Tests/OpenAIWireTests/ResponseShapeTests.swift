import OpenAIWire
import Testing

@Suite("chat.completion, chunk, usage, model list and error shapes")
struct ResponseShapeTests {
    // MARK: chat.completion

    @Test func upstreamCompletionWithToolCallsIsRead() throws {
        let completion = try ChatCompletion(json: try JSONValue(parsing: ResponseFixtures.openAIChatCompletionWithToolCalls))
        #expect(completion.id == "chatcmpl-BkVx3mQf8ZCkR2n7TqL4yWc9pA1dE")
        #expect(completion.created == 1_750_345_678)
        #expect(completion.model == "gpt-4o-mini-2024-07-18")
        #expect(completion.content == nil)
        #expect(completion.refusal == nil)
        #expect(completion.toolCalls == Wire.expectedCalls)
        #expect(completion.finishReason == "tool_calls")
        #expect(completion.usage == Usage(promptTokens: 412, completionTokens: 58))
        #expect(completion.systemFingerprint == "fp_34a54ae93c")
    }

    @Test func completionWithToolCallsHasNullContentAndRefusal() throws {
        let completion = ChatCompletion(
            id: "chatcmpl-fd-1", created: 1_750_345_678, model: "frontdesk-receptionist", content: nil,
            toolCalls: Wire.expectedCalls, finishReason: "tool_calls")
        let json = completion.json
        let choice = try #require(json["choices"]?.arrayValue?.first)
        let message = try #require(choice["message"]?.objectValue)
        #expect(message["content"] == .null)
        #expect(message["refusal"] == .null)
        #expect(message["role"] == "assistant")
        #expect(message["tool_calls"] == .array(Wire.expectedCalls.map(\.json)))
        #expect(choice["logprobs"] == .null)
        #expect(choice["finish_reason"] == "tool_calls")
        #expect(choice["index"] == 0)
        #expect(json["object"] == "chat.completion")
        // The spec types system_fingerprint as a non-nullable string, so an unknown one is omitted.
        #expect(json["system_fingerprint"] == nil)
        #expect(json["usage"] == nil)
    }

    @Test func completionRoundTripsThroughItsOwnJSON() throws {
        let completion = ChatCompletion(
            id: "chatcmpl-fd-2", created: 1_750_345_679, model: "frontdesk-receptionist", content: "Booked!", toolCalls: Wire.expectedCalls,
            finishReason: "tool_calls", usage: Usage(promptTokens: 10, completionTokens: 3), systemFingerprint: "fp_frontdesk")
        #expect(try ChatCompletion(json: try JSONValue(parsing: completion.json.serialized())) == completion)
    }

    @Test func textCompletionSerializesToTheOfficialShape() {
        let completion = ChatCompletion(
            id: "chatcmpl-fd-3", created: 1_750_345_678, model: "frontdesk-receptionist", content: "We close at 9 on Sundays.",
            finishReason: "stop", usage: Usage(promptTokens: 10, completionTokens: 2))
        #expect(completion.json.jsonString == #"""
            {"choices":[{"finish_reason":"stop","index":0,"logprobs":null,"message":{"content":"We close at 9 on Sundays.","refusal":null,"role":"assistant"}}],"created":1750345678,"id":"chatcmpl-fd-3","model":"frontdesk-receptionist","object":"chat.completion","usage":{"completion_tokens":2,"prompt_tokens":10,"total_tokens":12}}
            """#)
    }

    @Test func completionWithoutChoicesIsRejected() {
        #expect(throws: RequestValidationError.self) { try ChatCompletion(json: ["id": "x", "choices": []]) }
        #expect(throws: RequestValidationError.self) { try ChatCompletion(json: ["choices": [["index": 0]]]) }
        #expect(throws: RequestValidationError.self) { try ChatCompletion(json: "chat.completion") }
    }

    @Test func missingFinishReasonIsInferredFromToolCalls() throws {
        let withCalls: JSONValue = ["choices": [["message": ["role": "assistant", "tool_calls": [Wire.expectedCalls[0].json]]]]]
        let withText: JSONValue = ["choices": [["message": ["role": "assistant", "content": "Hi"]]]]
        #expect(try ChatCompletion(json: withCalls).finishReason == "tool_calls")
        #expect(try ChatCompletion(json: withText).finishReason == "stop")
    }

    // MARK: chat.completion.chunk

    static func chunk(_ delta: ChatCompletionChunk.Delta?, finish: String? = nil, usage: Usage? = nil) -> ChatCompletionChunk {
        ChatCompletionChunk(
            id: "chatcmpl-fd-9", created: 1_750_345_690, model: "frontdesk-receptionist", delta: delta, finishReason: finish, usage: usage)
    }

    /// The direct writer of text chunks must give exactly the bytes of the general one, and
    /// every other chunk must take the general one.
    @Test(arguments: [
        ChatCompletionChunk(id: "chatcmpl-1", created: 1_790_000_000, model: "gpt-4o-mini", delta: .init(content: "Hello ")),
        ChatCompletionChunk(id: "chatcmpl-1", created: 0, model: "m", delta: .init(content: "q\" \\ \n é🍷 \u{1}"), finishReason: "stop"),
        ChatCompletionChunk(id: "id \"x\"", created: -1, model: "frontdesk/dental_office", delta: .init(content: "")),
        ChatCompletionChunk(id: "c", created: 1, model: "m", delta: .init(role: "assistant", content: "")),
        ChatCompletionChunk(id: "c", created: 1, model: "m", delta: .init(content: "a", refusal: "no")),
        ChatCompletionChunk(id: "c", created: 1, model: "m", delta: .init(content: "a", toolCalls: [.init(index: 0, id: "call_1", name: "f")])),
        ChatCompletionChunk(id: "c", created: 1, model: "m", delta: .init(content: "a"), systemFingerprint: "fp"),
        ChatCompletionChunk(id: "c", created: 1, model: "m", delta: .init(), finishReason: "tool_calls"),
        ChatCompletionChunk(id: "c", created: 1, model: "m", delta: nil, usage: Usage(promptTokens: 3, completionTokens: 4)),
    ])
    func aChunkAsAnEventIsItsJSONFramed(_ chunk: ChatCompletionChunk) {
        #expect(chunk.serverSentEvent == ServerSentEvent.data(chunk.json))
    }

    @Test func roleChunkHasNullContentAndNullFinishReason() {
        #expect(Self.chunk(.init(role: "assistant")).json.jsonString == #"""
            {"choices":[{"delta":{"content":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1750345690,"id":"chatcmpl-fd-9","model":"frontdesk-receptionist","object":"chat.completion.chunk"}
            """#)
    }

    @Test func contentChunkHasNullFinishReasonAndNullLogprobs() throws {
        let json = Self.chunk(.init(content: "We close at 9.")).json
        let choice = try #require(json["choices"]?.arrayValue?.first?.objectValue)
        #expect(choice["finish_reason"] == .null)
        #expect(choice["logprobs"] == .null)
        #expect(choice["delta"] == ["content": "We close at 9."])
        #expect(json["usage"] == nil)
        #expect(json["object"] == "chat.completion.chunk")
    }

    @Test func toolCallChunkHasNullContentAndTypedFirstFragment() {
        let first = Self.chunk(.init(toolCalls: [ToolCallDelta(index: 0, id: "call_1", name: "lookup_customer", arguments: "")]))
        #expect(first.json["choices"]?.arrayValue?.first?["delta"]?.jsonString
            == #"{"content":null,"tool_calls":[{"function":{"arguments":"","name":"lookup_customer"},"id":"call_1","index":0,"type":"function"}]}"#)
        let fragment = Self.chunk(.init(toolCalls: [ToolCallDelta(index: 1, arguments: #"{"ph"#)]))
        #expect(fragment.json["choices"]?.arrayValue?.first?["delta"]?.jsonString
            == #"{"content":null,"tool_calls":[{"function":{"arguments":"{\"ph"},"index":1}]}"#)
    }

    @Test func finishChunkHasAnEmptyDelta() {
        #expect(Self.chunk(.init(), finish: "stop").json["choices"]?.jsonString
            == #"[{"delta":{},"finish_reason":"stop","index":0,"logprobs":null}]"#)
    }

    @Test func usageChunkHasNoChoices() {
        let json = Self.chunk(nil, usage: Usage(promptTokens: 412, completionTokens: 58)).json
        #expect(json["choices"] == [])
        #expect(json["usage"] == ["prompt_tokens": 412, "completion_tokens": 58, "total_tokens": 470])
    }

    @Test func chunkRoundTripsThroughItsOwnJSON() throws {
        let chunks = [
            Self.chunk(.init(role: "assistant")), Self.chunk(.init(content: "Café 🍷")), Self.chunk(.init(refusal: "No.")),
            Self.chunk(.init(toolCalls: [ToolCallDelta(index: 0, id: "call_1", name: "f", arguments: "{}")])),
            Self.chunk(.init(), finish: "tool_calls"), Self.chunk(nil, usage: Usage(promptTokens: 1, completionTokens: 2)),
        ]
        for chunk in chunks {
            #expect(try ChatCompletionChunk(json: try JSONValue(parsing: chunk.json.serialized())) == chunk)
        }
    }

    @Test func upstreamChunksAreReadLeniently() throws {
        let chunks = try Wire.chunks(StreamFixtures.openAIToolCallStream)
        #expect(chunks.first?.delta == .init(role: "assistant", content: ""))
        #expect(chunks.first?.usage == nil)  // "usage": null
        #expect(chunks.first?.systemFingerprint == "fp_34a54ae93c")
        #expect(chunks.first?.model == "gpt-4o-mini-2024-07-18")
        let usageChunk = try #require(chunks.last)
        #expect(usageChunk.delta == nil)
        #expect(usageChunk.finishReason == nil)
        #expect(usageChunk.usage == Usage(promptTokens: 412, completionTokens: 58))
        #expect(chunks.dropLast().last?.finishReason == "tool_calls")
        #expect(chunks.dropLast().allSatisfy { $0.usage == nil })
    }

    @Test func chunkThatIsNotAnObjectIsRejected() {
        #expect(throws: RequestValidationError.self) { try ChatCompletionChunk(json: ["choices"]) }
    }

    @Test func toolCallDeltaWithObjectArgumentsKeepsTheirJSON() throws {
        let chunk = try ChatCompletionChunk(
            json: try JSONValue(
                parsing: #"{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"c","function":{"name":"f","arguments":{"b":1,"a":0.50}}}]}}]}"#))
        #expect(chunk.delta?.toolCalls == [ToolCallDelta(index: 0, id: "c", name: "f", arguments: #"{"a":0.50,"b":1}"#)])
    }

    // MARK: Usage and models

    @Test func usageAddsAndTotals() {
        let sum = Usage(promptTokens: 412, completionTokens: 58) + Usage(promptTokens: 530, completionTokens: 21)
        #expect(sum == Usage(promptTokens: 942, completionTokens: 79))
        #expect(sum.totalTokens == 1021)
        #expect(Usage(json: nil) == nil)
        #expect(Usage(json: .null) == nil)
        #expect(Usage(json: ["prompt_tokens": 7]) == Usage(promptTokens: 7, completionTokens: 0))
    }

    @Test func modelListHasOpenAIShape() {
        #expect(ModelList(ids: ["frontdesk-receptionist"], created: 1_750_000_000).json.jsonString
            == #"{"data":[{"created":1750000000,"id":"frontdesk-receptionist","object":"model","owned_by":"frontdesk"}],"object":"list"}"#)
        #expect(ModelList(ids: [], created: 0).json["data"] == [])
    }

    // MARK: Errors

    @Test func upstreamContextLengthErrorIsRead() throws {
        let error = try #require(OpenAIErrorBody(json: try JSONValue(parsing: ResponseFixtures.openAIContextLengthError)))
        #expect(error.message.hasPrefix("This model's maximum context length is 128000 tokens."))
        #expect(error.type == "invalid_request_error")
        #expect(error.param == "messages")
        #expect(error.code == "context_length_exceeded")
    }

    @Test func upstreamRateLimitErrorHasNoParam() throws {
        let error = try #require(OpenAIErrorBody(json: try JSONValue(parsing: ResponseFixtures.openAIRateLimitError)))
        #expect(error.type == "tokens")
        #expect(error.param == nil)
        #expect(error.code == "rate_limit_exceeded")
    }

    @Test func numericErrorCodeIsReadAsText() throws {
        let error = try #require(OpenAIErrorBody(json: try JSONValue(parsing: ResponseFixtures.llamaCppError)))
        #expect(error.code == "400")
        #expect(error.type == "exceed_context_size_error")
        #expect(error.message == "the request exceeds the available context size, try increasing it")
    }

    @Test func nonOpenAIShapedErrorsAreNotRead() throws {
        #expect(OpenAIErrorBody(json: try JSONValue(parsing: ResponseFixtures.vllmFlatError)) == nil)
        #expect(OpenAIErrorBody(json: ["error": "Bad Gateway"]) == nil)
        #expect(OpenAIErrorBody(json: ["error": ["type": "server_error"]]) == nil)
        #expect(OpenAIErrorBody(json: ["error": ["message": "boom"]]) == OpenAIErrorBody(message: "boom", type: "api_error"))
    }

    @Test func errorBodyAlwaysHasAllFourKeys() throws {
        let json = OpenAIErrorBody(message: "Missing required parameter: 'messages'.", type: "invalid_request_error").json
        #expect(json.jsonString
            == #"{"error":{"code":null,"message":"Missing required parameter: 'messages'.","param":null,"type":"invalid_request_error"}}"#)
        let full = OpenAIErrorBody(message: "m", type: "invalid_request_error", param: "messages[1].role", code: "invalid_value")
        #expect(OpenAIErrorBody(json: full.json) == full)
    }
}
