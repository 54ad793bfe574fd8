/// `GET /v1/models` in OpenAI's list shape.
public struct ModelList: Sendable {
    public var ids: [String]
    public var created: Int
    public var ownedBy: String

    public init(ids: [String], created: Int, ownedBy: String = "frontdesk") {
        self.ids = ids
        self.created = created
        self.ownedBy = ownedBy
    }

    public var json: JSONValue {
        [
            "object": "list",
            "data": .array(ids.map { ["id": .string($0), "object": "model", "created": .int(created), "owned_by": .string(ownedBy)] }),
        ]
    }
}
