/// One function call the model asked for, fully assembled (never a streaming fragment).
public struct ToolCall: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The arguments exactly as the model produced them: a JSON text that may be invalid.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    public var json: JSONValue {
        ["id": .string(id), "type": "function", "function": ["name": .string(name), "arguments": .string(arguments)]]
    }

    init(json: JSONValue, param: String) throws(RequestValidationError) {
        guard case .object(let object) = json else {
            throw RequestValidationError("Expected an object, got \(json.typeName).", param: param)
        }
        guard let id = object["id"]?.stringValue else {
            throw RequestValidationError("Missing required parameter: 'id'.", param: "\(param).id")
        }
        guard case .object(let function)? = object["function"], let name = function["name"]?.stringValue else {
            throw RequestValidationError("Missing required parameter: 'function.name'.", param: "\(param).function.name")
        }
        let arguments: String
        switch function["arguments"] {
        case .string(let text)?: arguments = text
        case nil, .null?: arguments = "{}"
        case let other?: arguments = other.jsonString  // some clients send an object; keep its meaning
        }
        self.init(id: id, name: name, arguments: arguments)
    }
}
