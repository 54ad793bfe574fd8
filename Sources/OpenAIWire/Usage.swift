/// Token counts, summed across the internal tool rounds of one turn.
public struct Usage: Sendable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int

    public init(promptTokens: Int = 0, completionTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    public var totalTokens: Int { promptTokens + completionTokens }

    public static func + (lhs: Usage, rhs: Usage) -> Usage {
        Usage(promptTokens: lhs.promptTokens + rhs.promptTokens, completionTokens: lhs.completionTokens + rhs.completionTokens)
    }

    public init?(json: JSONValue?) {
        guard let json, case .object = json else { return nil }
        self.init(promptTokens: json["prompt_tokens"]?.intValue ?? 0, completionTokens: json["completion_tokens"]?.intValue ?? 0)
    }

    public var json: JSONValue {
        ["prompt_tokens": .int(promptTokens), "completion_tokens": .int(completionTokens), "total_tokens": .int(totalTokens)]
    }
}
