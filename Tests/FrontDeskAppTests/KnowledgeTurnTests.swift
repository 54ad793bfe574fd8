import Foundation
import FrontDeskApp
import HTTPTypes
import HummingbirdTesting
import OpenAIWire
import ScriptedUpstream
import Testing

/// The practice's documents in a real turn: the model can search them with `search_knowledge`,
/// and a strong match for the caller's words is already in the live context it gets.
@Suite("Knowledge answers in a call")
struct KnowledgeTurnTests {
    static func messages(_ request: RecordedRequest) -> [JSONValue] { request.json["messages"]?.arrayValue ?? [] }

    @Test func theModelSearchesTheDocumentsAndGetsThePassages() async throws {
        try await ToolLoopTests.run { client, upstream, _ in
            // Given the model asks search_knowledge about parking
            upstream.enqueue([
                .toolCalls([ScriptedToolCall(id: "call_docs", name: "search_knowledge", arguments: #"{"query":"parking downtown garage"}"#)],
                           shape: .whole),
                .text("The garage at 118 Main Street validates two hours."),
            ])
            let response = try await client.complete(ToolLoopTests.body(caller: nil, conversation: "docs-1", user: "Where can I leave my car?"))
            #expect(response.status == .ok)
            // Then the tool was offered, and its result carried the passage
            let requests = upstream.recordedRequests
            let offered = requests.first?.json["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue } ?? []
            #expect(offered.contains("search_knowledge"))
            let result = try #require(ToolLoopTests.toolResults(requests[1])["call_docs"])
            #expect(result["found"] == true)
            #expect(result["passages"]?.arrayValue?.first?["title"]?.stringValue == "Before your first visit › Getting here")
        }
    }

    @Test func aStrongMatchForTheCallersLastWordsIsInTheLiveContextAndTheSystemMessageDoesNotChange() async throws {
        try await ToolLoopTests.run { client, upstream, _ in
            // Given one call with two turns: small talk, then a question the documents answer
            upstream.enqueue([.text("Hello! How can I help?"), .text("Yes, we accept Delta Dental.")])
            let first: JSONValue = [
                "messages": [["role": "user", "content": "Hi there"]], "extra_metadata": ["telnyx_conversation_id": "docs-2"],
            ]
            let second: JSONValue = [
                "messages": [
                    ["role": "user", "content": "Hi there"], ["role": "assistant", "content": "Hello! How can I help?"],
                    ["role": "user", "content": "Do you take Delta Dental insurance?"],
                ],
                "extra_metadata": ["telnyx_conversation_id": "docs-2"],
            ]
            let greeted = try await client.complete(first)
            let answered = try await client.complete(second)
            #expect(greeted.status == .ok && answered.status == .ok)
            let (small, question) = (Self.messages(upstream.recordedRequests[0]), Self.messages(upstream.recordedRequests[1]))
            // Then the system message is the same text in both turns
            #expect(small.first?["content"] == question.first?["content"])
            // and only the second turn's live context, just before the question, has the passage
            let live = { (messages: [JSONValue]) in messages.dropFirst().first { $0["role"] == "system" }?["content"]?.stringValue ?? "" }
            #expect(!live(small).contains("Possibly relevant"))
            #expect(live(question).contains("Possibly relevant from the practice's documents: Insurance we accept › PPO plans: "))
            #expect(question.last?["content"] == "Do you take Delta Dental insurance?")
            #expect(question[question.count - 2]["role"] == "system")
        }
    }
}
