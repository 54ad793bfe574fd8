import OpenAIWire
import Testing

/// `ChatCompletionChunk(streamed:)` reads the usual chunk without a JSON tree; wherever it
/// reads one, it must give exactly what the full reading (`init(json:)`) gives, and it must
/// step aside (nil) for everything it does not handle itself.
@Suite("Streamed chunks read without a JSON tree")
struct StreamedChunkTests {
    static func full(_ text: String) throws -> ChatCompletionChunk {
        try ChatCompletionChunk(json: JSONValue(parsing: text))
    }

    static let usual: [String] = [
        // llama.cpp, vLLM and OpenAI shapes: role first, words, finish, usage
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1796050800,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"#,
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1796050800,"model":"m","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":" Hello, \"caller\" \u00e9\n"},"finish_reason":null}]}"#,
        #"{"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1,"id":"x","model":"m","object":"chat.completion.chunk"}"#,
        #"{"id":"x","choices":[],"created":1,"model":"m","usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}"#,
        #" { "id" : "x" , "created" : 1.0 , "model" : "m" , "choices" : [ { "delta" : null , "finish_reason" : "length" } ] } "#,
        // tool calls, in pieces and whole, arguments as text and as an object
        #"{"id":"x","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"find_available_slots","arguments":""}}]},"finish_reason":null}]}"#,
        #"{"id":"x","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"day\":"}}]}}]}"#,
        #"{"id":"x","created":1,"model":"m","choices":[{"delta":{"tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]}}]}"#,
        #"{"id":"x","created":1,"model":"m","choices":[{"delta":{"tool_calls":"odd"}}]}"#,
        // a second choice is not read; repeated keys count the last time; unknown keys are skipped
        #"{"id":"x","created":1,"model":"m","choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"}}]}"#,
        #"{"id":"x","id":"y","created":1,"model":"m","choices":[{"delta":{"content":"a"}}],"choices":[{"finish_reason":"stop"}]}"#,
        #"{"id":"x","created":1,"model":"m","extra":{"nested":[1,{"deep":true}]},"choices":[{"delta":{"content":"a","content":"b","reasoning_content":"…"}}]}"#,
        #"{}"#,
    ]

    @Test(arguments: usual)
    func theUsualShapesReadTheSameBothWays(text: String) throws {
        let fast = try #require(ChatCompletionChunk(streamed: text))
        #expect(fast == (try Self.full(text)))
    }

    static let stepsAside: [String] = [
        #"{"error":{"message":"overloaded","type":"server_error"}}"#,
        #"{"id":null,"created":1,"model":"m","choices":[]}"#,
        #"{"id":"x","created":"1","model":"m","choices":[]}"#,
        #"{"id":"x","created":1,"model":"m","choices":{}}"#,
        #"{"id":"x","created":1,"model":"m","choices":["odd"]}"#,
        #"{"id":"x","created":1,"model":"m","choices":[{"finish_reason":3}]}"#,
        #"{"id":"x","created":1,"model":"m","choices":[{"delta":"odd"}]}"#,
        #"{"id":"x","created":1,"model":"m","choices":[{"delta":{"content":7}}]}"#,
        #"[1,2]"#, #"{"id":"x"} trailing"#, #"{"id":"x""#, "", "not json",
    ]

    @Test(arguments: stepsAside)
    func anythingElseIsLeftToTheFullReading(text: String) {
        #expect(ChatCompletionChunk(streamed: text) == nil)
    }
}
