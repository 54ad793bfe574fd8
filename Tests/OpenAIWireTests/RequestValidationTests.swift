import OpenAIWire
import Testing

/// One request body and the `param` its rejection must name (nil: the body as a whole).
struct RejectedBody: Sendable, CustomTestStringConvertible {
    let label: String
    let body: String
    let param: String?
    var testDescription: String { label }

    init(_ label: String, _ body: String, param: String?) {
        self.label = label
        self.body = body
        self.param = param
    }
}

@Suite("Request validation")
struct RequestValidationTests {
    static let user = #"{"role":"user","content":"Hi"}"#

    @Test(arguments: [
        RejectedBody("truncated JSON", #"{"messages":[{"role":"user","content":"Hi"}"#, param: nil),
        RejectedBody("not JSON at all", "model=gpt-4o&messages=hi", param: nil),
        RejectedBody("empty body", "", param: nil),
        RejectedBody("trailing garbage", #"{"messages":[{"role":"user","content":"Hi"}]}}"#, param: nil),
        RejectedBody("body is an array", #"[{"role":"user","content":"Hi"}]"#, param: nil),
        RejectedBody("body is a string", #""hello""#, param: nil),
    ])
    func malformedBodiesAreRejectedWithoutAParam(_ rejected: RejectedBody) throws {
        let error = try #require(Wire.validationError(rejected.body))
        #expect(error.param == nil)
    }

    @Test func unparsableBodyMessageSaysWhereParsingFailed() throws {
        let error = try #require(Wire.validationError(#"{"messages": [}"#))
        #expect(error.message.contains("could not parse the JSON body"))
        #expect(error.message.contains("at byte 14"))
    }

    @Test(arguments: [
        RejectedBody("missing messages", #"{"model":"gpt-4o-mini"}"#, param: "messages"),
        RejectedBody("empty messages", #"{"messages":[]}"#, param: "messages"),
        RejectedBody("messages is a string", #"{"messages":"Hi"}"#, param: "messages"),
        RejectedBody("messages is an object", #"{"messages":{"role":"user","content":"Hi"}}"#, param: "messages"),
        RejectedBody("messages is null", #"{"messages":null}"#, param: "messages"),
    ])
    func missingEmptyOrNonArrayMessagesNameMessages(_ rejected: RejectedBody) throws {
        let error = try #require(Wire.validationError(rejected.body))
        #expect(error.param == rejected.param)
    }

    @Test func unknownRoleIsRejectedNamingTheField() throws {
        let error = try #require(Wire.validationError(#"{"messages":[\#(Self.user),{"role":"robot","content":"beep"}]}"#))
        #expect(error.param == "messages[1].role")
        #expect(error.message.contains("'system', 'developer', 'user', 'assistant', 'tool', 'function'"))
    }

    @Test(arguments: [
        RejectedBody("capitalised role", #"{"messages":[\#(user),{"role":"User","content":"Hi"}]}"#, param: "messages[1].role"),
        RejectedBody("numeric role", #"{"messages":[\#(user),{"role":1,"content":"Hi"}]}"#, param: "messages[1].role"),
        RejectedBody("missing role", #"{"messages":[\#(user),{"content":"Hi"}]}"#, param: "messages[1].role"),
        RejectedBody("null role", #"{"messages":[\#(user),{"role":null,"content":"Hi"}]}"#, param: "messages[1].role"),
        RejectedBody("message is a string", #"{"messages":["Hi"]}"#, param: "messages[0]"),
        RejectedBody("message is null", #"{"messages":[\#(user),null]}"#, param: "messages[1]"),
    ])
    func badRolesAndMessagesNameTheElement(_ rejected: RejectedBody) throws {
        let error = try #require(Wire.validationError(rejected.body))
        #expect(error.param == rejected.param)
    }

    @Test(arguments: [
        RejectedBody("number content", #"{"messages":[{"role":"user","content":42}]}"#, param: "messages[0].content"),
        RejectedBody("object content", #"{"messages":[{"role":"user","content":{"text":"Hi"}}]}"#, param: "messages[0].content"),
        RejectedBody("boolean content", #"{"messages":[{"role":"system","content":true}]}"#, param: "messages[0].content"),
        RejectedBody("null user content", #"{"messages":[{"role":"user","content":null}]}"#, param: "messages[0].content"),
        RejectedBody("missing system content", #"{"messages":[{"role":"system"}]}"#, param: "messages[0].content"),
        RejectedBody("number content later", #"{"messages":[\#(user),{"role":"assistant","content":3}]}"#, param: "messages[1].content"),
    ])
    func contentOfTheWrongTypeNamesTheContentField(_ rejected: RejectedBody) throws {
        let error = try #require(Wire.validationError(rejected.body))
        #expect(error.param == rejected.param)
    }

    @Test func wrongContentTypeMessageNamesTheTypeGot() throws {
        let error = try #require(Wire.validationError(#"{"messages":[{"role":"user","content":42}]}"#))
        #expect(error.message == "Invalid type for 'messages[0].content': expected a string or an array of content parts, but got a number.")
    }

    static let assistantCall =
        #"{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{}"}}]}"#

    @Test(arguments: [
        RejectedBody(
            "tool message without tool_call_id", #"{"messages":[\#(user),\#(assistantCall),{"role":"tool","content":"ok"}]}"#,
            param: "messages[2].tool_call_id"),
        RejectedBody(
            "tool message with null tool_call_id",
            #"{"messages":[\#(user),\#(assistantCall),{"role":"tool","content":"ok","tool_call_id":null}]}"#,
            param: "messages[2].tool_call_id"),
        RejectedBody(
            "numeric tool_call_id", #"{"messages":[\#(user),\#(assistantCall),{"role":"tool","content":"ok","tool_call_id":7}]}"#,
            param: "messages[2].tool_call_id"),
        RejectedBody(
            "tool_calls is an object", #"{"messages":[\#(user),{"role":"assistant","content":null,"tool_calls":{}}]}"#,
            param: "messages[1].tool_calls"),
        RejectedBody(
            "tool call without id",
            #"{"messages":[\#(user),{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}]}"#,
            param: "messages[1].tool_calls[0].id"),
        RejectedBody(
            "tool call without function name",
            #"{"messages":[\#(user),{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"arguments":"{}"}}]}]}"#,
            param: "messages[1].tool_calls[0].function.name"),
        RejectedBody(
            "name is a number", #"{"messages":[{"role":"user","content":"Hi","name":5}]}"#, param: "messages[0].name"),
    ])
    func toolHistoryProblemsNameTheNestedField(_ rejected: RejectedBody) throws {
        let error = try #require(Wire.validationError(rejected.body))
        #expect(error.param == rejected.param)
    }

    @Test(arguments: [
        RejectedBody("stream as a string", #"{"messages":[\#(user)],"stream":"true"}"#, param: "stream"),
        RejectedBody("stream as a number", #"{"messages":[\#(user)],"stream":1}"#, param: "stream"),
        RejectedBody("stream_options as a boolean", #"{"messages":[\#(user)],"stream":true,"stream_options":true}"#, param: "stream_options"),
        RejectedBody(
            "include_usage as a string", #"{"messages":[\#(user)],"stream":true,"stream_options":{"include_usage":"yes"}}"#,
            param: "stream_options.include_usage"),
        RejectedBody("temperature as a string", #"{"messages":[\#(user)],"temperature":"0.7"}"#, param: "temperature"),
        RejectedBody("top_p as a boolean", #"{"messages":[\#(user)],"top_p":true}"#, param: "top_p"),
        RejectedBody("presence_penalty as an array", #"{"messages":[\#(user)],"presence_penalty":[0]}"#, param: "presence_penalty"),
        RejectedBody("max_tokens as a fraction", #"{"messages":[\#(user)],"max_tokens":1.5}"#, param: "max_tokens"),
        RejectedBody("max_tokens as a string", #"{"messages":[\#(user)],"max_tokens":"256"}"#, param: "max_tokens"),
        RejectedBody("seed as a string", #"{"messages":[\#(user)],"seed":"42"}"#, param: "seed"),
        RejectedBody("user as a number", #"{"messages":[\#(user)],"user":14155550123}"#, param: "user"),
        RejectedBody("model as a number", #"{"messages":[\#(user)],"model":4}"#, param: "model"),
    ])
    func wronglyTypedScalarsNameTheField(_ rejected: RejectedBody) throws {
        let error = try #require(Wire.validationError(rejected.body))
        #expect(error.param == rejected.param)
    }

    @Test func temperatureAsAStringSaysWhatWasExpected() throws {
        let error = try #require(Wire.validationError(#"{"messages":[\#(Self.user)],"temperature":"0.7"}"#))
        #expect(error == RequestValidationError("Invalid type for 'temperature': expected a number, but got a string.", param: "temperature"))
    }

    @Test func integerTooLargeForIntIsStillAnInteger() throws {
        let request = try ChatCompletionRequest(
            body: Wire.bytes(#"{"messages":[\#(Self.user)],"seed":12345678901234567890,"max_tokens":1e3}"#))
        #expect(request.passthrough["seed"] == .number("12345678901234567890"))
        #expect(Wire.validationError(#"{"messages":[\#(Self.user)],"seed":1.5e0}"#)?.param == "seed")
    }

    static let goodTool = #"{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{}}}}"#

    @Test(arguments: [
        RejectedBody("tools is an object", #"{"messages":[\#(user)],"tools":\#(goodTool)}"#, param: "tools"),
        RejectedBody("tools is a string", #"{"messages":[\#(user)],"tools":"lookup"}"#, param: "tools"),
        RejectedBody("tool is a string", #"{"messages":[\#(user)],"tools":["lookup"]}"#, param: "tools[0]"),
        RejectedBody(
            "tool without function.name", #"{"messages":[\#(user)],"tools":[{"type":"function","function":{"parameters":{}}}]}"#,
            param: "tools[0].function.name"),
        RejectedBody(
            "second tool with an empty name", #"{"messages":[\#(user)],"tools":[\#(goodTool),{"type":"function","function":{"name":""}}]}"#,
            param: "tools[1].function.name"),
        RejectedBody(
            "tool with a numeric name", #"{"messages":[\#(user)],"tools":[{"type":"function","function":{"name":7}}]}"#,
            param: "tools[0].function.name"),
        RejectedBody("tool without function", #"{"messages":[\#(user)],"tools":[{"type":"function"}]}"#, param: "tools[0].function"),
        RejectedBody(
            "non-function tool", #"{"messages":[\#(user)],"tools":[{"type":"code_interpreter"}]}"#, param: "tools[0].type"),
    ])
    func badToolsNameTheTool(_ rejected: RejectedBody) throws {
        let error = try #require(Wire.validationError(rejected.body))
        #expect(error.param == rejected.param)
    }

    @Test func nullOptionalFieldsAreTreatedAsAbsent() throws {
        let request = try ChatCompletionRequest(
            body: Wire.bytes(
                #"{"model":null,"messages":[\#(Self.user)],"stream":null,"stream_options":null,"tools":null,"temperature":null,"max_tokens":null,"user":null}"#
            ))
        #expect(request.model == nil)
        #expect(request.stream == false)
        #expect(request.includeUsage == false)
        #expect(request.tools.isEmpty)
    }

    @Test func lenientButValidShapesAreAccepted() throws {
        let body = #"""
            {"messages":[
              {"role":"developer","content":"Be brief."},
              {"role":"user","content":[{"type":"text","text":"Table for two?"},{"type":"text","text":"Tonight."}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"check","arguments":{"party_size":2}}}]},
              {"role":"tool","tool_call_id":"call_1","content":"{\"available\":true}"},
              {"role":"function","name":"legacy","content":null}
            ],
            "temperature":1,"max_tokens":100.0,"stream":false,"stream_options":{"include_usage":true},"x_vendor_flag":{"a":1}}
            """#
        let request = try ChatCompletionRequest(body: Wire.bytes(body))
        #expect(request.messages.map(\.role) == [.developer, .user, .assistant, .tool, .function])
        #expect(request.messages[1].text == "Table for two?\nTonight.")
        // An object `arguments` (sent by some clients) is kept as its JSON text.
        #expect(request.messages[2].toolCalls == [ToolCall(id: "call_1", name: "check", arguments: #"{"party_size":2}"#)])
        #expect(request.messages[3].toolCallID == "call_1")
        #expect(request.includeUsage)
        #expect(request.passthrough["x_vendor_flag"] == ["a": 1])
        #expect(request.passthrough["max_tokens"] == .number("100.0"))
    }

    @Test func streamingFlagsAreRead() throws {
        let request = try ChatCompletionRequest(
            body: Wire.bytes(#"{"model":"gpt-4o-mini","messages":[\#(Self.user)],"stream":true,"stream_options":{"include_usage":true}}"#))
        #expect(request.model == "gpt-4o-mini")
        #expect(request.stream)
        #expect(request.includeUsage)
        #expect(request.passthrough.isEmpty)
    }
}
