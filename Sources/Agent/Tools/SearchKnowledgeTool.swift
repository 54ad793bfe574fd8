import Foundation
import OpenAIWire
import Reception

/// `search_knowledge`: the practice's own documents (policies, insurance, visit instructions)
/// searched for the caller's question. The best three passages, or a plain "nothing found"
/// that tells the model what to do instead of guessing.
public struct SearchKnowledgeTool: AgentTool {
    public static let name = "search_knowledge"
    /// Passages returned: enough for a question that spans two sections, few enough to keep
    /// the next round's prompt short.
    static let passageLimit = 3

    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties: [ToolSchema.Property] = [("query", ToolSchema.string("The caller's question, in a few words."))]

    // Terse on purpose: every turn's prompt carries it, and small models read it all.
    public let definition = ToolDefinition(
        name: name,
        description: "Search the practice's documents (policies, insurance, payment, visit instructions).",
        parameters: ToolSchema.object(properties))

    static let nothingFound = "Nothing in the practice's documents answers this. Do not guess: say you will have the staff follow up, or offer a transfer."

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let query = try args.string("query")
        let hits = try await ToolFailure.attempt(voice: nil) { () async throws(FrontDeskError) in
            try await desk.searchKnowledge(query, limit: Self.passageLimit)
        }
        guard !hits.isEmpty else { return ["found": false, "message": .string(Self.nothingFound)] }
        return [
            "found": true,
            "passages": .array(hits.map { ["title": .string($0.place), "text": .string(String($0.text.prefix(KnowledgeChunker.targetLength)))] }),
        ]
    }
}
