import Agent
import Foundation
import Logging
import OpenAIWire
import Reception
import SQLiteStore
import Scheduling
import Testing

/// `search_knowledge` against the seeded demo practice's documents in a real SQLite file.
@Suite("The search_knowledge tool")
struct SearchKnowledgeToolTests {
    let tool: SearchKnowledgeTool

    init() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-knowledge-\(UUID().uuidString)/db.sqlite").path
        let book = try AppointmentBook(path: path)
        try book.seedDemoIfEmpty()
        tool = SearchKnowledgeTool(desk: FrontDesk(store: SQLiteFrontDeskStore(book: book),
                                                   logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })))
    }

    func run(_ arguments: JSONValue) async throws(ToolFailure) -> JSONValue {
        try await tool.run(arguments: arguments, context: ToolContext(
            conversationID: "unit", callerNumber: nil, now: Date(), logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })))
    }

    @Test func aQuestionGetsAtMostThreePassagesWithTheirTitleBestFirst() async throws {
        let result = try await run(["query": "Do you take Delta Dental?"])
        #expect(result["found"] == true)
        let passages = try #require(result["passages"]?.arrayValue)
        #expect((1...3).contains(passages.count))
        #expect(passages.first?["title"]?.stringValue == "Insurance we accept › PPO plans")
        #expect(passages.first?["text"]?.stringValue?.contains("Delta Dental, Cigna, Aetna, MetLife and Guardian") == true)
        #expect(passages.allSatisfy { ($0["text"]?.stringValue?.count ?? .max) <= KnowledgeChunker.targetLength })
        // Only what the model needs: no ids or scores to read aloud
        #expect(passages.allSatisfy { Set($0.objectValue?.keys.map { $0 } ?? []) == ["title", "text"] })
    }

    @Test func nothingFoundSaysWhatToDoInstead() async throws {
        for query in ["xylophone lessons", "the", "\"*NEAR("] {
            let result = try await run(["query": .string(query)])
            #expect(result["found"] == false, "\(query)")
            #expect(result["message"]?.stringValue?.contains("staff follow up") == true)
            #expect(result["message"]?.stringValue?.contains("transfer") == true)
        }
    }

    @Test func theQueryIsRequiredBoundedAndAlone() async throws {
        let bad: [(JSONValue, String)] = [
            ([:], "query"), (["query": 7], "query"), (["query": "   "], "query"),
            (["query": .string(String(repeating: "delta ", count: 10_000))], "query"), (["query": "delta", "limit": 10], "limit"),
        ]
        for (arguments, field) in bad {
            do throws(ToolFailure) {
                _ = try await run(arguments)
                Issue.record("accepted \(arguments.jsonString)")
            } catch {
                #expect(error.code == "invalid_arguments")
                #expect(error.details?["field"]?.stringValue == field)
            }
        }
    }

    @Test func theSchemaIsTerse() {
        // Every turn's prompt carries it: a few dozen words, not a page.
        #expect(tool.definition.name == "search_knowledge")
        #expect(tool.definition.serialized.count < 400, "\(tool.definition.serialized.count) bytes")
    }
}
