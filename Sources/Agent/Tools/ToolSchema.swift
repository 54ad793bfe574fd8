import OpenAIWire

/// Builds JSON Schemas that OpenAI's `strict` mode accepts: every property is listed in
/// `required`, optional ones are typed `[T, "null"]`, and `additionalProperties` is false.
enum ToolSchema {
    /// One property: its name and schema, in the order the model should read them.
    typealias Property = (name: String, schema: JSONValue)

    static func object(_ properties: [Property]) -> JSONValue {
        [
            "type": "object",
            "properties": .object(Dictionary(properties.map { ($0.name, $0.schema) }, uniquingKeysWith: { first, _ in first })),
            "required": .array(properties.map { .string($0.name) }),
            "additionalProperties": false,
        ]
    }

    static func string(_ description: String) -> JSONValue {
        ["type": "string", "description": .string(description)]
    }

    static func nullableString(_ description: String) -> JSONValue {
        ["type": ["string", "null"], "description": .string(description)]
    }

    static func integer(_ description: String) -> JSONValue {
        ["type": "integer", "description": .string(description)]
    }

    static func nullableInteger(_ description: String) -> JSONValue {
        ["type": ["integer", "null"], "description": .string(description)]
    }

    /// The field names of a schema built by `object`, for `ToolArguments(allowed:)`.
    static func fields(_ properties: [Property]) -> [String] { properties.map(\.name) }
}
