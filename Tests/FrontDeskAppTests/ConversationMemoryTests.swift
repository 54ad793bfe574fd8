import Agent
import Foundation
import FrontDeskApp
import HTTPTypes
import HummingbirdTesting
import OpenAIWire
import Reception
import SQLiteStore
import Scheduling
import ScriptedUpstream
import Testing

/// Tool-round memory and the call log, end to end: real app, real SQLite file, the scripted
/// fake LLM over loopback.
@Suite("Conversations: tool-round memory and the call log")
struct ConversationMemoryTests {
    static let emily = ToolLoopTests.emily
    static let michael = ToolLoopTests.michael
    static let findCleaning = ScriptedToolCall(
        id: "call_find", name: "find_available_slots",
        arguments: #"{"service_id":"cleaning","provider_id":null,"location_id":null,"from_date":null,"to_date":null,"time_of_day":null,"limit":3}"#)

    @Test func slotsOfferedInOneTurnAreSplicedIntoTheNextAndTheClientNeverSeesThem() async throws {
        try await ToolLoopTests.run { client, upstream, _ in
            // Given a first streamed turn in which the model looked up slots, then spoke
            upstream.enqueue([.toolCalls([Self.findCleaning], shape: .fragments), .text("I have Tuesday at nine.")])
            let first = try await client.complete(Self.body(
                [.user("I'd like a cleaning")], caller: Self.emily, conversation: "mem-1", stream: true))
            #expect(first.status == .ok)
            #expect(!first.events.contains { $0.contains("tool_calls\":[{") }, "the client must not see our tool calls")
            let spoken = ToolLoopTests.spokenText(first)
            let offered = try #require(ToolLoopTests.toolMessages(upstream.recordedRequests[1])["call_find"])

            // When the next turn arrives with the client's own history (no tool rounds in it)
            upstream.enqueue([.text("Noted.")])
            let second = try await client.complete(Self.body(
                [.user("I'd like a cleaning"), .assistant(spoken), .user("The first one, please")],
                caller: Self.emily, conversation: "mem-1"))
            #expect(second.status == .ok)

            // Then the model sees the round where it belongs: after the request, before its answer
            let messages = try #require(try ToolLoopTests.last(upstream).json["messages"]?.arrayValue)
            // (and the turn's live context just before the caller's latest words)
            #expect(messages.map { $0["role"]?.stringValue ?? "?" } == ["system", "user", "assistant", "tool", "assistant", "system", "user"])
            #expect(messages[2]["tool_calls"]?.arrayValue?.first?["id"] == "call_find")
            #expect(messages[2]["tool_calls"]?.arrayValue?.first?["function"]?["name"] == "find_available_slots")
            #expect(messages[3]["tool_call_id"] == "call_find")
            #expect(messages[3]["content"]?.stringValue == offered)
            // and our answer as the client kept it, without FrontDesk's filler: the model must
            // not take our words for its own and say them again
            #expect(spoken.hasPrefix("One moment while I check the schedule. "))
            #expect(messages[4]["content"]?.stringValue == String(spoken.dropFirst("One moment while I check the schedule. ".count)))
        }
    }

    @Test func anotherCallerOnTheSameConversationIDGetsNothingSpliced() async throws {
        try await ToolLoopTests.run { client, upstream, _ in
            // Given Emily's turn that ran a tool round
            upstream.enqueue([.toolCalls([Self.findCleaning], shape: .whole), .text("Tuesday at nine.")])
            _ = try await client.complete(Self.body([.user("I'd like a cleaning")], caller: Self.emily, conversation: "mem-2"))
            // When Michael sends the same history under the same conversation id
            upstream.enqueue([.text("Hello.")])
            _ = try await client.complete(Self.body(
                [.user("I'd like a cleaning"), .assistant("Tuesday at nine."), .user("Book it")],
                caller: Self.michael, conversation: "mem-2"))
            // Then none of Emily's rounds reach the model
            let roles = try #require(try ToolLoopTests.last(upstream).json["messages"]?.arrayValue).map { $0["role"]?.stringValue ?? "?" }
            #expect(roles == ["system", "user", "assistant", "system", "user"])
        }
    }

    @Test func withoutACallIDTheHistoryIdentifiesTheConversationAndARetriedTurnIsNotSplicedIntoItself() async throws {
        try await ToolLoopTests.run { client, upstream, _ in
            // Given a JSON turn with no telephony call id that ran a tool round
            upstream.enqueue([.toolCalls([Self.findCleaning], shape: .whole), .text("Tuesday at nine.")])
            _ = try await client.complete(Self.body([.user("I'd like a cleaning")], caller: Self.emily, conversation: nil))
            // When the same turn is retried
            upstream.enqueue([.toolCalls([Self.findCleaning], shape: .whole), .text("Tuesday at nine.")])
            _ = try await client.complete(Self.body([.user("I'd like a cleaning")], caller: Self.emily, conversation: nil))
            // Then its first upstream request carries only what the client sent
            let retried = upstream.recordedRequests[2].json["messages"]?.arrayValue ?? []
            #expect(retried.map { $0["role"]?.stringValue ?? "?" } == ["system", "system", "user"])

            // When the conversation goes on
            upstream.enqueue([.text("Done.")])
            _ = try await client.complete(Self.body(
                [.user("I'd like a cleaning"), .assistant("Tuesday at nine."), .user("Yes")], caller: Self.emily, conversation: nil))
            // Then exactly one round (the latest recording of that turn) is spliced in
            let roles = try #require(try ToolLoopTests.last(upstream).json["messages"]?.arrayValue).map { $0["role"]?.stringValue ?? "?" }
            #expect(roles == ["system", "user", "assistant", "tool", "assistant", "system", "user"])
        }
    }

    @Test func everyTurnIsKeptInTheCallLogWithItsToolRoundsAndAnswer() async throws {
        try await ToolLoopTests.run { client, upstream, path in
            // Given a streamed turn with a tool round, then a JSON turn that hands a transfer to the client
            upstream.enqueue([
                .toolCalls([Self.findCleaning], shape: .interleaved), .text("Tuesday at nine."),
                .toolCalls([ScriptedToolCall(id: "call_transfer", name: "transfer_call", arguments: #"{"to":"front desk"}"#)], shape: .whole),
            ])
            _ = try await client.complete(Self.body([.user("I'd like a cleaning")], caller: Self.emily, conversation: "log-1", stream: true))
            let handed = try await client.complete(Self.body(
                [.user("I'd like a cleaning"), .assistant("Tuesday at nine."), .user("Let me talk to a person")],
                caller: Self.emily, conversation: "log-1",
                tools: [["type": "function", "function": ["name": "transfer_call", "parameters": ["type": "object"]]]]))
            #expect(handed.json["choices"]?.arrayValue?.first?["finish_reason"] == "tool_calls")

            // When the call log's writer has caught up
            let log = try CallLog(path: path)
            let turns = try await Self.eventually { try log.turns(conversationID: "call:log-1") }

            // Then both turns are there, in order, with what was said and done
            #expect(turns.count == 2)
            #expect(turns[0].callerText == "I'd like a cleaning")
            #expect(turns[0].streamed)
            #expect(turns[0].answer?.hasSuffix("Tuesday at nine.") == true)
            #expect(turns[0].internalMessages.contains("find_available_slots"))
            #expect(turns[0].finishReason == "stop")
            #expect(turns[1].callerText == "Let me talk to a person")
            #expect(!turns[1].streamed)
            #expect(turns[1].finishReason == "tool_calls")
            #expect(turns[1].clientToolCalls.contains("transfer_call"))
            #expect(turns[1].internalMessages == "[]")
            let call = try #require(try log.call(id: "call:log-1"))
            #expect(call.caller == Self.emily)
            #expect(call.turns == 2)
            #expect(call.telephonyCallID == "log-1")
            #expect(try log.recentCalls(limit: 10, caller: Self.michael).isEmpty)
        }
    }

    @Test func aFailedTurnIsLoggedWithItsError() async throws {
        try await ToolLoopTests.run { client, upstream, path in
            upstream.enqueue([.status(400, message: "context too long", retryAfterSeconds: nil)])
            let response = try await client.complete(Self.body([.user("Hello")], caller: nil, conversation: "fail-1"))
            #expect(response.status.code == 400)
            let turns = try await Self.eventually { try CallLog(path: path).turns(conversationID: "call:fail-1") }
            #expect(turns.first?.answer == nil)
            #expect(turns.first?.error?.contains("context too long") == true)
        }
    }

    // MARK: - Helpers

    static func body(
        _ messages: [ChatMessage], caller: String?, conversation: String?, stream: Bool = false, tools: JSONValue? = nil
    ) -> JSONValue {
        var extra: [String: JSONValue] = [:]
        if let conversation { extra["telnyx_conversation_id"] = .string(conversation) }
        if let caller { extra["telnyx_end_user_target"] = .string(caller) }
        var body: [String: JSONValue] = [
            "messages": .array(messages.map(\.json)), "stream": .bool(stream), "extra_metadata": .object(extra),
        ]
        if let tools { body["tools"] = tools }
        return .object(body)
    }

    /// The call log is written off the request path; wait (bounded) until it has rows.
    static func eventually<T: Collection>(_ read: () throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let rows = try read()
            if !rows.isEmpty || ContinuousClock.now > deadline { return rows }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
