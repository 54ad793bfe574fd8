/// OpenAI's error shape: `{"error":{"message","type","param","code"}}`, all four keys always present.
public struct OpenAIErrorBody: Sendable, Hashable {
    public var message: String
    public var type: String
    public var param: String?
    public var code: String?

    public init(message: String, type: String, param: String? = nil, code: String? = nil) {
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    /// Reads an upstream's error body; nil when it is not OpenAI-shaped.
    public init?(json: JSONValue) {
        guard case .object(let error)? = json["error"], let message = error["message"]?.stringValue else { return nil }
        self.init(
            message: message, type: error["type"]?.stringValue ?? "api_error", param: error["param"]?.stringValue,
            code: error["code"]?.stringValue ?? error["code"]?.intValue.map(String.init))
    }

    public var json: JSONValue {
        [
            "error": [
                "message": .string(message), "type": .string(type),
                "param": param.map(JSONValue.string) ?? .null, "code": code.map(JSONValue.string) ?? .null,
            ]
        ]
    }
}
