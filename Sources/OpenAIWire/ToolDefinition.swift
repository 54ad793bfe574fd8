/// A function tool offered to the model. The client's definitions are kept verbatim in `json`
/// (their schemas, `strict`, descriptions) so they reach the upstream unchanged.
public struct ToolDefinition: Sendable, Hashable {
    public let name: String
    public let json: JSONValue
    /// `json` serialized once: FrontDesk's own schemas go upstream on every turn, and
    /// serializing a dozen nested schemas per request showed up in profiles.
    public let serialized: [UInt8]

    public init(name: String, description: String, parameters: JSONValue, strict: Bool = true) {
        self.name = name
        self.json = [
            "type": "function",
            "function": [
                "name": .string(name), "description": .string(description), "parameters": parameters, "strict": .bool(strict),
            ],
        ]
        self.serialized = json.serialized()
    }

    init(json: JSONValue, param: String) throws(RequestValidationError) {
        guard case .object(let object) = json else {
            throw RequestValidationError("Invalid type for '\(param)': expected an object, but got \(json.typeName).", param: param)
        }
        let type = object["type"]?.stringValue ?? "function"
        guard type == "function" else {
            throw RequestValidationError("Invalid value for '\(param).type': only 'function' tools are supported.", param: "\(param).type")
        }
        guard case .object(let function)? = object["function"] else {
            throw RequestValidationError("Missing required parameter: '\(param).function'.", param: "\(param).function")
        }
        guard let name = function["name"]?.stringValue, !name.isEmpty else {
            throw RequestValidationError("Missing required parameter: '\(param).function.name'.", param: "\(param).function.name")
        }
        self.name = name
        self.json = json
        self.serialized = json.serialized()
    }
}
