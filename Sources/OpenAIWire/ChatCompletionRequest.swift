/// A `POST /v1/chat/completions` body, decoded leniently.
///
/// FrontDesk interprets only what it must (`model`, `messages`, `stream`, `stream_options`,
/// `tools`); every other OpenAI field goes to the upstream unchanged through `passthrough`,
/// and telephony providers' own fields (`extra_metadata`, `call`, `customer`, …) are kept in
/// `telephony`, read by the edge and never forwarded.
public struct ChatCompletionRequest: Sendable, Hashable {
    public var model: String?
    public var messages: [ChatMessage]
    public var stream: Bool
    public var includeUsage: Bool
    /// The client's own tool definitions, exactly as sent.
    public var tools: [ToolDefinition]
    public var passthrough: [String: JSONValue]
    public var telephony: [String: JSONValue]

    /// Top-level fields that telephony platforms add; they describe the call, not the model request.
    public static let telephonyFields: Set<String> = ["extra_metadata", "call", "customer", "phoneNumber", "metadata"]

    public init(
        model: String? = nil, messages: [ChatMessage], stream: Bool = false, includeUsage: Bool = false,
        tools: [ToolDefinition] = [], passthrough: [String: JSONValue] = [:], telephony: [String: JSONValue] = [:]
    ) {
        self.model = model
        self.messages = messages
        self.stream = stream
        self.includeUsage = includeUsage
        self.tools = tools
        self.passthrough = passthrough
        self.telephony = telephony
    }

    /// Parses and validates a request body. Throws `RequestValidationError` naming the field.
    public init(body: some Collection<UInt8>) throws(RequestValidationError) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            throw RequestValidationError(
                "We could not parse the JSON body of your request (\(error)). The body must be a JSON object.", param: nil)
        }
        try self.init(json: json)
    }

    public init(json: JSONValue) throws(RequestValidationError) {
        guard case .object(var object) = json else {
            throw RequestValidationError("The request body must be a JSON object, but got \(json.typeName).", param: nil)
        }
        var telephony: [String: JSONValue] = [:]
        for field in Self.telephonyFields {
            if let value = object.removeValue(forKey: field) { telephony[field] = value }
        }

        var model: String?
        if let value = object.removeValue(forKey: "model"), !value.isNull {
            guard let text = value.stringValue else {
                throw RequestValidationError("Invalid type for 'model': expected a string, but got \(value.typeName).", param: "model")
            }
            model = text
        }

        guard let messagesValue = object.removeValue(forKey: "messages") else {
            throw RequestValidationError("Missing required parameter: 'messages'.", param: "messages")
        }
        guard case .array(let rawMessages) = messagesValue else {
            throw RequestValidationError(
                "Invalid type for 'messages': expected an array, but got \(messagesValue.typeName).", param: "messages")
        }
        guard !rawMessages.isEmpty else {
            throw RequestValidationError(
                "Invalid 'messages': empty array. Expected an array with minimum length 1.", param: "messages")
        }
        var messages: [ChatMessage] = []
        messages.reserveCapacity(rawMessages.count)
        for (index, raw) in rawMessages.enumerated() {
            messages.append(try ChatMessage(json: raw, param: "messages[\(index)]"))
        }

        var stream = false
        if let value = object.removeValue(forKey: "stream"), !value.isNull {
            guard let flag = value.boolValue else {
                throw RequestValidationError("Invalid type for 'stream': expected a boolean, but got \(value.typeName).", param: "stream")
            }
            stream = flag
        }

        var includeUsage = false
        if let value = object.removeValue(forKey: "stream_options"), !value.isNull {
            guard case .object(let options) = value else {
                throw RequestValidationError(
                    "Invalid type for 'stream_options': expected an object, but got \(value.typeName).", param: "stream_options")
            }
            if let flag = options["include_usage"], !flag.isNull {
                guard let include = flag.boolValue else {
                    throw RequestValidationError(
                        "Invalid type for 'stream_options.include_usage': expected a boolean.", param: "stream_options.include_usage")
                }
                includeUsage = include
            }
        }

        var tools: [ToolDefinition] = []
        if let value = object.removeValue(forKey: "tools"), !value.isNull {
            guard case .array(let rawTools) = value else {
                throw RequestValidationError("Invalid type for 'tools': expected an array, but got \(value.typeName).", param: "tools")
            }
            for (index, raw) in rawTools.enumerated() {
                tools.append(try ToolDefinition(json: raw, param: "tools[\(index)]"))
            }
        }

        try Self.checkTypes(of: object)
        self.init(
            model: model, messages: messages, stream: stream, includeUsage: includeUsage, tools: tools,
            passthrough: object, telephony: telephony)
    }

    /// Pass-through fields are the upstream's to judge, but a wrong type on the common ones is
    /// caught here so the client gets a precise `param` without a round trip.
    private static func checkTypes(of object: [String: JSONValue]) throws(RequestValidationError) {
        for field in ["temperature", "top_p", "frequency_penalty", "presence_penalty"] {
            if let value = object[field], !value.isNull, value.doubleValue == nil {
                throw RequestValidationError("Invalid type for '\(field)': expected a number, but got \(value.typeName).", param: field)
            }
        }
        for field in ["max_tokens", "max_completion_tokens", "n", "seed"] {
            if let value = object[field], !value.isNull, !isInteger(value) {
                throw RequestValidationError("Invalid type for '\(field)': expected an integer, but got \(value.typeName).", param: field)
            }
        }
        if let value = object["user"], !value.isNull, value.stringValue == nil {
            throw RequestValidationError("Invalid type for 'user': expected a string, but got \(value.typeName).", param: "user")
        }
    }

    /// Integer-valued, whatever its size: a `seed` of `12345678901234567890` is an integer even though it
    /// does not fit an `Int`, and it is forwarded verbatim for the upstream to judge.
    private static func isInteger(_ value: JSONValue) -> Bool {
        if value.intValue != nil { return true }
        guard case .number(let literal) = value else { return false }
        return !literal.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The body sent upstream: pass-through fields unchanged, plus what FrontDesk decided.
    public func upstreamBody(model: String, messages: [ChatMessage], tools: [ToolDefinition], stream: Bool) -> JSONValue {
        var object = upstreamObject(model: model, messages: messages, hasTools: !tools.isEmpty, stream: stream)
        if !tools.isEmpty { object["tools"] = .array(tools.map(\.json)) }
        return .object(object)
    }

    /// The same body as `upstreamBody`, as the bytes sent: the tools are spliced in from their
    /// cached serialization instead of being serialized again.
    public func upstreamBodyBytes(model: String, messages: [ChatMessage], tools: [ToolDefinition], stream: Bool) -> [UInt8] {
        var output = JSONValue.object(upstreamObject(model: model, messages: messages, hasTools: !tools.isEmpty, stream: stream)).serialized()
        guard !tools.isEmpty else { return output }
        output.removeLast()  // the closing brace; the object always has model and messages
        output.append(contentsOf: #","tools":["#.utf8)
        for (index, tool) in tools.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: tool.serialized)
        }
        output.append(contentsOf: "]}".utf8)
        return output
    }

    private func upstreamObject(model: String, messages: [ChatMessage], hasTools: Bool, stream: Bool) -> [String: JSONValue] {
        var object = passthrough
        object["model"] = .string(model)
        object["messages"] = .array(messages.map(\.json))
        object["stream"] = .bool(stream)
        if stream {
            // Usage is always asked for so a turn spanning several tool rounds can report the sum.
            object["stream_options"] = ["include_usage": true]
        }
        object.removeValue(forKey: "tools")
        if !hasTools {
            object.removeValue(forKey: "tool_choice")
            object.removeValue(forKey: "parallel_tool_calls")
        }
        return object
    }
}
