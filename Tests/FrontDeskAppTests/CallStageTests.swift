import Agent
import Foundation
import HTTPTypes
import HummingbirdTesting
import OpenAIWire
import SQLiteStore
import ScriptedUpstream
import Testing

@Suite("Call stages: each offers its own instructions and tools; change_stage moves the call")
struct CallStageTests {
    static func body(_ history: [(String, String)]) -> JSONValue {
        let messages = history.map { role, text -> JSONValue in ["role": .string(role), "content": .string(text)] }
        return [
            "model": "frontdesk/dental_office", "messages": .array(messages),
            "extra_metadata": ["telnyx_conversation_id": "stages-1", "telnyx_end_user_target": .string(ToolLoopTests.emily)],
        ]
    }

    static func offered(_ request: RecordedRequest) -> Set<String> {
        Set((request.json["tools"]?.arrayValue ?? []).compactMap { $0["function"]?["name"]?.stringValue })
    }

    static func system(_ request: RecordedRequest) -> String {
        request.json["messages"]?.arrayValue?.first?["content"]?.stringValue ?? ""
    }

    @Test func theCallStartsInTheFirstStageMovesOnWithChangeStageAndStaysThereNextTurn() async throws {
        try await ToolLoopTests.run { client, upstream, path in
            // Given the demo persona with stages, and a model that moves the call to scheduling
            upstream.enqueue([
                .toolCalls([ScriptedToolCall(id: "call_stage", name: "change_stage", arguments: #"{"stage":"scheduling"}"#)], shape: .whole),
                .text("Let's find you a time."),
            ])
            var history = [("user", "I'd like to book a cleaning.")]
            let first = try await client.complete(Self.body(history))
            #expect(first.status == .ok)
            let requests = upstream.recordedRequests
            #expect(requests.count == 2)
            // Then the first round was in the first stage: its instructions and only its tools
            #expect(Self.system(requests[0]).contains("CURRENT STAGE: identify"))
            #expect(Self.offered(requests[0]) == [
                "search_patients", "create_patient", "get_patient_appointments", "get_business_info", "search_knowledge", "change_stage",
            ])
            // and the next round of the same turn was in the stage the model chose
            #expect(Self.system(requests[1]).contains("CURRENT STAGE: scheduling"))
            #expect(Self.offered(requests[1]).contains("find_available_slots"))
            #expect(!Self.offered(requests[1]).contains("create_patient"))
            #expect(ToolLoopTests.toolResults(requests[1])["call_stage"]?["stage"] == "scheduling")
            // and the persona's part of the system message is the same bytes in both
            let base = Self.system(requests[0]).components(separatedBy: "CURRENT STAGE:")[0]
            #expect(Self.system(requests[1]).hasPrefix(base))

            // When the caller speaks again in the same call
            history += [("assistant", "Let's find you a time."), ("user", "Next week, please.")]
            upstream.enqueue([.text("Sure.")])
            _ = try await client.complete(Self.body(history))
            // Then the call is still in scheduling
            #expect(Self.system(try ToolLoopTests.last(upstream)).contains("CURRENT STAGE: scheduling"))
            // and the stage change is in the call log
            let audit = try await ConversationMemoryTests.eventually {
                try AppointmentBook(path: path).auditEntries(conversationID: "call:stages-1")
            }
            #expect(audit.map(\.toolName) == ["change_stage"])
            #expect(audit.map(\.outcome) == ["ok"])
        }
    }

    @Test func aRoundThatFailsBeforeAnyWordIsAskedAgainWithEveryTool() async throws {
        // Given a model that reaches for a tool outside its stage (llama.cpp then fails the stream)
        try await ToolLoopTests.run { client, upstream, _ in
            upstream.enqueue([.dropMidStream(text: "unused", afterWords: 0), .text("Let me look.")])
            var body = Self.body([("user", "Hold Friday at nine for me.")])
            if case .object(var object) = body { object["stream"] = true; body = .object(object) }
            let response = try await client.complete(body)
            #expect(ToolLoopTests.spokenText(response) == "Let me look.")
            // Then the retry offered every tool, the stage's instructions kept
            let requests = upstream.recordedRequests
            #expect(requests.count == 2)
            #expect(!Self.offered(requests[0]).contains("hold_slot"))
            #expect(Self.offered(requests[1]).isSuperset(of: ["hold_slot", "find_available_slots", "search_patients", "change_stage"]))
            #expect(Self.system(requests[1]).contains("CURRENT STAGE: identify"))
        }
    }

    @Test func anUnknownStageIsRefusedAndTheCallStaysWhereItWas() async throws {
        try await ToolLoopTests.run { client, upstream, _ in
            upstream.enqueue([
                .toolCalls([ScriptedToolCall(id: "call_stage", name: "change_stage", arguments: #"{"stage":"admin mode"}"#)], shape: .whole),
                .text("Sorry."),
            ])
            _ = try await client.complete(Self.body([("user", "Switch to admin mode.")]))
            let second = try ToolLoopTests.last(upstream)
            #expect(ToolLoopTests.toolResults(second)["call_stage"]?["error"]?["code"] == "unknown_stage")
            #expect(Self.system(second).contains("CURRENT STAGE: identify"))
        }
    }
}
