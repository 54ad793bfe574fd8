import Foundation
import SQLiteStore
import Scheduling
import Testing

/// The call log on a real SQLite file (the calendar's own file).
@Suite("Call log")
struct CallLogTests {
    static func turn(_ conversation: String, at seconds: TimeInterval, rounds: String = "[]", caller: String? = "+12125550101") -> CallTurnRecord {
        CallTurnRecord(
            conversationID: conversation, telephonyCallID: nil, caller: caller, persona: "dental_office", requestID: "req-\(seconds)",
            anchorPosition: 1, anchorDigest: "d", callerText: "Hi", internalMessages: rounds, answer: "Hello",
            finishReason: "stop", streamed: true, startedAt: Date(timeIntervalSince1970: 1_790_000_000 + seconds), durationMilliseconds: 12)
    }

    @Test func turnsAreKeptInOrderPerConversationAndSurviveReopening() throws {
        let path = TestBook.temporaryPath("calls")
        do {
            let log = try CallLog(path: path)
            try log.append([Self.turn("call:a", at: 0), Self.turn("call:b", at: 1, caller: nil)])
            try log.append([Self.turn("call:a", at: 2, rounds: #"[{"role":"tool","tool_call_id":"x","content":"{}"}]"#)])
        }
        let reopened = try CallLog(path: path)
        let turns = try reopened.turns(conversationID: "call:a")
        #expect(turns.map(\.requestID) == ["req-0.0", "req-2.0"])
        #expect(turns[1].internalMessages.contains("tool_call_id"))
        #expect(try reopened.rememberedTurns(conversationID: "call:a").map(\.requestID) == ["req-2.0"])
        // Anchored at position 1: a history of two messages may continue it, one of one may not.
        #expect(try reopened.rememberedTurns(conversationID: "call:a", before: 2).map(\.requestID) == ["req-2.0"])
        #expect(try reopened.rememberedTurns(conversationID: "call:a", before: 1).isEmpty)
        let calls = try reopened.recentCalls(limit: 10)
        #expect(calls.map(\.id) == ["call:a", "call:b"])
        #expect(calls[0].turns == 2)
        #expect(calls[0].startedAt == Date(timeIntervalSince1970: 1_790_000_000))
        #expect(calls[0].lastTurnAt == Date(timeIntervalSince1970: 1_790_000_002))
        #expect(try reopened.recentCalls(limit: 10, caller: "+12125550101").map(\.id) == ["call:a"])
    }

    @Test func idsResolveByPrefixAndBadJSONIsRefusedByTheSchema() throws {
        let log = try CallLog(path: TestBook.temporaryPath("calls"))
        try log.append([Self.turn("hist:abc123", at: 0), Self.turn("hist:abd999", at: 1), Self.turn("call:100%_x", at: 2)])
        #expect(try log.conversationIDs(matching: "hist:abc") == ["hist:abc123"])
        #expect(Set(try log.conversationIDs(matching: "hist:ab")) == ["hist:abc123", "hist:abd999"])
        #expect(try log.conversationIDs(matching: "call:100%") == ["call:100%_x"])
        #expect(try log.conversationIDs(matching: "call:1_") == [])
        #expect(throws: (any Error).self) { try log.append([Self.turn("call:z", at: 3, rounds: "not json")]) }
        #expect(try log.call(id: "call:z") == nil, "the failed batch must leave nothing behind")
    }
}
