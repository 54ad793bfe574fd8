import OpenAIWire
import Testing

@Suite("Telephony fields and the upstream body")
struct TelephonyRequestTests {
    let telnyx: ChatCompletionRequest
    let vapi: ChatCompletionRequest
    let knobs: ChatCompletionRequest

    init() throws {
        telnyx = try ChatCompletionRequest(body: Wire.bytes(RequestFixtures.telnyxCustomLLM))
        vapi = try ChatCompletionRequest(body: Wire.bytes(RequestFixtures.vapiCustomLLM))
        knobs = try ChatCompletionRequest(body: Wire.bytes(RequestFixtures.openAIClientWithEveryKnob))
    }

    /// The upstream body as FrontDesk would build it from the client's own messages and tools.
    static func upstream(_ request: ChatCompletionRequest, stream: Bool? = nil, tools: [ToolDefinition]? = nil) -> JSONValue {
        request.upstreamBody(
            model: "qwen2.5-7b-instruct", messages: request.messages, tools: tools ?? request.tools, stream: stream ?? request.stream)
    }

    @Test(arguments: [true, false])
    func theBytesSentAreTheUpstreamBodyWithToolsSplicedFromTheirCache(withTools: Bool) throws {
        let ours = ToolDefinition(name: "find_available_slots", description: "Open slots \"soon\"", parameters: ["type": "object"])
        for request in [telnyx, vapi, knobs] {
            let tools = withTools ? request.tools + [ours] : []
            let bytes = request.upstreamBodyBytes(model: "m", messages: request.messages, tools: tools, stream: request.stream)
            #expect(try JSONValue(parsing: bytes) == request.upstreamBody(model: "m", messages: request.messages, tools: tools, stream: request.stream))
        }
    }

    // MARK: Telnyx

    @Test func telnyxExtraMetadataIsSplitOffIntoTelephony() throws {
        let request = telnyx
        #expect(Set(request.telephony.keys) == ["extra_metadata"])
        let metadata = try #require(request.telephony["extra_metadata"])
        #expect(metadata["telnyx_end_user_target"] == "+14155550123")
        #expect(metadata["telnyx_agent_target"] == "+14155559876")
        #expect(metadata["telnyx_conversation_channel"] == "phone_call")
        #expect(metadata["telnyx_current_time"] == "Thursday, June 19, 2025 at 06:41:18 PM UTC")
        #expect(request.passthrough["extra_metadata"] == nil)
    }

    @Test func telnyxRequestIsReadAsAnOrdinaryChatRequest() {
        let request = telnyx
        #expect(request.model == "frontdesk-receptionist")
        #expect(request.stream)
        #expect(request.messages.map(\.role) == [.system, .assistant, .user])
        #expect(request.messages[2].text == "Hi, um, I'd like to book a table for four tomorrow at seven thirty.")
        #expect(request.tools.isEmpty)
        #expect(Set(request.passthrough.keys) == ["temperature", "max_tokens"])
    }

    @Test func telnyxUpstreamBodyCarriesNoTelephonyAndKeepsTemperatureLiteral() {
        let body = Self.upstream(telnyx)
        #expect(body["extra_metadata"] == nil)
        let text = body.jsonString
        #expect(!text.contains("telnyx_"))
        #expect(text.contains(#""temperature":0.70"#))
        #expect(text.contains(#""max_tokens":512"#))
        #expect(Set(body.objectValue.map { Array($0.keys) } ?? []) == ["model", "messages", "stream", "stream_options", "temperature", "max_tokens"])
    }

    // MARK: Vapi

    @Test func vapiCallCustomerPhoneNumberAndMetadataAreSplitOff() throws {
        let request = vapi
        #expect(Set(request.telephony.keys) == ["call", "customer", "phoneNumber", "metadata"])
        #expect(request.telephony["call"]?["id"] == "8c0f4d52-6a1e-4b7c-9e3d-2f5a7b1c0d94")
        #expect(request.telephony["call"]?["customer"]?["number"] == "+14155550123")
        #expect(request.telephony["customer"]?["number"] == "+14155550123")
        #expect(request.telephony["phoneNumber"]?["number"] == "+14155559876")
        #expect(request.telephony["metadata"] == [:])
        for field in ChatCompletionRequest.telephonyFields { #expect(request.passthrough[field] == nil) }
    }

    @Test func vapiUpstreamBodyCarriesNoTelephonyField() {
        let body = Self.upstream(vapi)
        for field in ChatCompletionRequest.telephonyFields { #expect(body[field] == nil, "\(field) leaked upstream") }
        let text = body.jsonString
        #expect(!text.contains("8c0f4d52"))
        #expect(!text.contains("twilioAccountSid"))
        #expect(!text.contains("+14155559876"))
    }

    @Test func vapiClientToolsAreKeptVerbatim() throws {
        let request = vapi
        let original = try JSONValue(parsing: RequestFixtures.vapiCustomLLM)
        #expect(request.tools.map(\.name) == ["transferCall", "takeMessage"])
        #expect(JSONValue.array(request.tools.map(\.json)) == original["tools"])
        let body = Self.upstream(request)
        #expect(body["tools"] == original["tools"])
        #expect(body["tool_choice"] == "auto")
    }

    @Test func vapiSamplingFieldsPassThrough() {
        let body = Self.upstream(vapi)
        #expect(body["temperature"] == .number("0.3"))
        #expect(body["max_tokens"] == .number("250"))
        #expect(Set(vapi.passthrough.keys) == ["temperature", "max_tokens", "tool_choice"])
    }

    @Test func vapiConversationHistoryIsForwardedUnchanged() throws {
        let original = try JSONValue(parsing: RequestFixtures.vapiCustomLLM)
        let request = vapi
        #expect(request.messages[3].toolCalls == [
            ToolCall(id: "call_3mVq8ZkT1xRbN0cP5sYwLe2D", name: "transferCall", arguments: #"{"destination":"+14155550188"}"#)
        ])
        #expect(request.messages[4].toolCallID == "call_3mVq8ZkT1xRbN0cP5sYwLe2D")
        #expect(request.messages[5].text == "Okay, then can I leave a message?")
        #expect(Self.upstream(request)["messages"] == original["messages"])
    }

    // MARK: Pass-through of OpenAI fields

    static let passedThroughFields = [
        "temperature", "top_p", "presence_penalty", "frequency_penalty", "max_tokens", "max_completion_tokens", "seed", "user",
        "stop", "logit_bias", "n", "response_format", "service_tier", "tool_choice", "parallel_tool_calls",
    ]

    @Test func everyUninterpretedOpenAIFieldIsKeptInPassthrough() {
        #expect(Set(knobs.passthrough.keys) == Set(Self.passedThroughFields))
        #expect(knobs.telephony.isEmpty)
    }

    @Test(arguments: passedThroughFields.filter { $0 != "tool_choice" && $0 != "parallel_tool_calls" })
    func openAIFieldReachesUpstreamByteExact(_ field: String) throws {
        let original = try #require(try JSONValue(parsing: RequestFixtures.openAIClientWithEveryKnob)[field])
        let forwarded = try #require(Self.upstream(knobs)[field])
        #expect(forwarded.serialized() == original.serialized())
    }

    @Test func numberLiteralsReachUpstreamAsWritten() {
        let text = Self.upstream(knobs).jsonString
        for fragment in [
            #""temperature":0.70"#, #""top_p":1.0"#, #""frequency_penalty":0.10"#, #""presence_penalty":0"#,
            #""seed":12345678901234567890"#, #""max_tokens":256"#, #""logit_bias":{"50256":-100}"#, #""stop":["\nCaller:"]"#,
            #""user":"caller-+14155550123""#,
        ] {
            #expect(text.contains(fragment), "missing \(fragment)")
        }
    }

    @Test func responseFormatIsForwardedAsTheSameJSON() throws {
        let original = try JSONValue(parsing: RequestFixtures.openAIClientWithEveryKnob)
        let forwarded = Self.upstream(knobs)
        #expect(forwarded["response_format"] == original["response_format"])
        #expect(forwarded["response_format"]?["json_schema"]?["strict"] == true)
    }

    @Test func upstreamModelAndMessagesAreFrontDesksChoice() {
        let replacement: [ChatMessage] = [.system("You are Juliette."), .user("What time do you close on Sundays?")]
        let body = knobs.upstreamBody(model: "qwen2.5-7b-instruct", messages: replacement, tools: [], stream: false)
        #expect(body["model"] == "qwen2.5-7b-instruct")
        #expect(body["messages"] == [["role": "system", "content": "You are Juliette."], ["role": "user", "content": "What time do you close on Sundays?"]])
    }

    // MARK: stream_options and tool_choice

    @Test func streamingUpstreamBodyAlwaysAsksForUsage() {
        let body = Self.upstream(telnyx, stream: true)
        #expect(body["stream"] == true)
        #expect(body["stream_options"] == ["include_usage": true])
    }

    @Test func streamingUpstreamBodyAsksForUsageEvenWhenTheClientDeclined() throws {
        let request = try ChatCompletionRequest(
            body: Wire.bytes(#"{"messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":false}}"#))
        #expect(request.includeUsage == false)
        #expect(Self.upstream(request)["stream_options"] == ["include_usage": true])
    }

    @Test func nonStreamingUpstreamBodyHasNoStreamOptions() throws {
        let request = try ChatCompletionRequest(
            body: Wire.bytes(#"{"messages":[{"role":"user","content":"Hi"}],"stream":false,"stream_options":{"include_usage":true}}"#))
        let body = Self.upstream(request)
        #expect(body["stream"] == false)
        #expect(body["stream_options"] == nil)
        #expect(Self.upstream(telnyx, stream: false)["stream_options"] == nil)
    }

    @Test func toolChoiceIsDroppedWhenNoToolsAreSent() {
        let body = Self.upstream(knobs, tools: [])
        #expect(body["tools"] == nil)
        #expect(body["tool_choice"] == nil)
        #expect(body["parallel_tool_calls"] == nil)
        #expect(Self.upstream(vapi, tools: [])["tool_choice"] == nil)
    }

    @Test func toolChoiceIsKeptWhenToolsAreSent() {
        let tool = ToolDefinition(
            name: "check_availability", description: "Check a table.", parameters: ["type": "object", "properties": [:]])
        let body = Self.upstream(knobs, tools: [tool])
        #expect(body["tools"] == [tool.json])
        #expect(body["tool_choice"] == "auto")
        #expect(body["parallel_tool_calls"] == false)
    }

    @Test func frontDeskToolDefinitionHasOpenAIShape() {
        let tool = ToolDefinition(name: "lookup_customer", description: "Find a caller.", parameters: ["type": "object"])
        #expect(tool.json.jsonString
            == #"{"function":{"description":"Find a caller.","name":"lookup_customer","parameters":{"type":"object"},"strict":true},"type":"function"}"#)
    }
}
