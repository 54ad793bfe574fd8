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

    /// A slot as `find_available_slots` offered it: what `hold_slot` and `book_appointment` take.
    static let slot: [Property] = [
        ("service_id", ToolSchema.string("e.g. \"cleaning\".")),
        ("start", ToolSchema.string("The slot's start exactly as find_available_slots gave it.")),
        ("provider_id", ToolSchema.nullableString("The slot's provider_id, or null.")),
        ("location_id", ToolSchema.nullableString("The slot's location_id, or null.")),
    ]

    /// The field names of a schema built by `object`, for `ToolArguments(allowed:)`.
    static func fields(_ properties: [Property]) -> [String] { properties.map(\.name) }
}
