/// One message of a conversation, decoded leniently and kept faithful for forwarding:
/// `content` stays whatever JSON the client sent (text, parts array or null) and fields we do
/// not interpret ride along in `extra`.
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable, CaseIterable {
        case system, developer, user, assistant, tool, function
    }

    public var role: Role
    public var content: JSONValue
    public var name: String?
    public var toolCalls: [ToolCall]
    public var toolCallID: String?
    public var extra: [String: JSONValue]

    public init(
        role: Role, content: JSONValue, name: String? = nil, toolCalls: [ToolCall] = [],
        toolCallID: String? = nil, extra: [String: JSONValue] = [:]
    ) {
        self.role = role
        self.content = content
        self.name = name
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.extra = extra
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: .string(text)) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: .string(text)) }
    public static func assistant(_ text: String?, toolCalls: [ToolCall] = []) -> ChatMessage {
        ChatMessage(role: .assistant, content: text.map(JSONValue.string) ?? .null, toolCalls: toolCalls)
    }
    public static func tool(callID: String, content: String) -> ChatMessage {
        ChatMessage(role: .tool, content: .string(content), toolCallID: callID)
    }

    /// The message's text: the string content, or its text parts joined.
    public var text: String? {
        switch content {
        case .string(let text): return text
        case .array(let parts):
            let texts = parts.compactMap { part -> String? in
                guard part["type"]?.stringValue == "text" else { return nil }
                return part["text"]?.stringValue
            }
            return texts.isEmpty ? nil : texts.joined(separator: "\n")
        default: return nil
        }
    }

    public var json: JSONValue {
        var object = extra
        object["role"] = .string(role.rawValue)
        object["content"] = content
        if let name { object["name"] = .string(name) }
        if !toolCalls.isEmpty { object["tool_calls"] = .array(toolCalls.map(\.json)) }
        if let toolCallID { object["tool_call_id"] = .string(toolCallID) }
        return .object(object)
    }

    /// Validates one element of `messages`; `param` is its path for error messages.
    public init(json: JSONValue, param: String) throws(RequestValidationError) {
        guard case .object(var object) = json else {
            throw RequestValidationError("Invalid type for '\(param)': expected an object, but got \(json.typeName).", param: param)
        }
        guard let roleValue = object.removeValue(forKey: "role") else {
            throw RequestValidationError("Missing required parameter: '\(param).role'.", param: "\(param).role")
        }
        guard let roleText = roleValue.stringValue, let role = Role(rawValue: roleText) else {
            let allowed = Role.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw RequestValidationError(
                "Invalid value for '\(param).role': expected one of \(allowed).", param: "\(param).role")
        }
        let content = object.removeValue(forKey: "content") ?? .null
        switch content {
        case .string, .array: break
        case .null where role == .assistant || role == .function: break
        case .null:
            throw RequestValidationError("Missing required parameter: '\(param).content'.", param: "\(param).content")
        default:
            throw RequestValidationError(
                "Invalid type for '\(param).content': expected a string or an array of content parts, but got \(content.typeName).",
                param: "\(param).content")
        }
        var name: String?
        if let nameValue = object.removeValue(forKey: "name"), !nameValue.isNull {
            guard let text = nameValue.stringValue else {
                throw RequestValidationError("Invalid type for '\(param).name': expected a string.", param: "\(param).name")
            }
            name = text
        }
        var toolCalls: [ToolCall] = []
        if let callsValue = object.removeValue(forKey: "tool_calls"), !callsValue.isNull {
            guard case .array(let calls) = callsValue else {
                throw RequestValidationError(
                    "Invalid type for '\(param).tool_calls': expected an array.", param: "\(param).tool_calls")
            }
            for (index, call) in calls.enumerated() {
                toolCalls.append(try ToolCall(json: call, param: "\(param).tool_calls[\(index)]"))
            }
        }
        var toolCallID: String?
        if let idValue = object.removeValue(forKey: "tool_call_id"), !idValue.isNull {
            guard let text = idValue.stringValue else {
                throw RequestValidationError(
                    "Invalid type for '\(param).tool_call_id': expected a string.", param: "\(param).tool_call_id")
            }
            toolCallID = text
        }
        if role == .tool, toolCallID == nil {
            throw RequestValidationError(
                "Missing required parameter: '\(param).tool_call_id'.", param: "\(param).tool_call_id")
        }
        self.init(role: role, content: content, name: name, toolCalls: toolCalls, toolCallID: toolCallID, extra: object)
    }
}
