import Agent
import Foundation
import OpenAIWire
import Testing

/// Where remembered tool rounds go back into a client's history, and when they must not.
@Suite("Tool-round memory: splicing remembered rounds into the client's history")
struct TranscriptAnchorTests {
    static let caller = "+12125550101"
    static let round: [ChatMessage] = [
        .assistant(nil, toolCalls: [ToolCall(id: "call_1", name: "find_available_slots", arguments: "{}")]),
        .tool(callID: "call_1", content: #"{"slots":[]}"#),
    ]

    static func turn(after messages: [ChatMessage], caller: String? = caller, round: [ChatMessage] = round) -> ConversationTurn {
        ConversationTurn(
            conversationID: "c", telephonyCallID: nil, callerNumber: caller, persona: "default", requestID: "r",
            anchor: TranscriptAnchor(messages: messages, callerNumber: caller), callerText: nil, internalMessages: round,
            answer: nil, clientToolCalls: [], finishReason: "stop", error: nil, streamed: false, startedAt: Date(), duration: .zero)
    }

    @Test func aRoundGoesRightAfterTheMessageItAnsweredAndSystemMessagesDoNotCount() {
        let first: [ChatMessage] = [.system("client prompt"), .user("I need a cleaning")]
        let later = first + [.assistant("Tuesday at nine?"), .user("Yes")]
        let spliced = TranscriptAnchor.splice(later, turns: [Self.turn(after: first)], callerNumber: Self.caller)
        #expect(spliced == [.system("client prompt"), .user("I need a cleaning")] + Self.round + [.assistant("Tuesday at nine?"), .user("Yes")])
    }

    @Test func nothingIsSplicedWhenTheCallerOrTheUserMessagesDiffer() {
        let first: [ChatMessage] = [.user("I need a cleaning")]
        let turn = Self.turn(after: first)
        #expect(TranscriptAnchor.splice(first + [.assistant("ok"), .user("Yes")], turns: [turn], callerNumber: "+12125550102")
                == first + [.assistant("ok"), .user("Yes")])
        let edited: [ChatMessage] = [.user("I need a filling"), .assistant("ok"), .user("Yes")]
        #expect(TranscriptAnchor.splice(edited, turns: [turn], callerNumber: Self.caller) == edited)
    }

    @Test func whitespaceAndAssistantRewordingByTheClientStillMatch() {
        let first: [ChatMessage] = [.user("I need a cleaning")]
        let later: [ChatMessage] = [.user("  I need a cleaning\n"), .assistant("(client's own copy)"), .user("Yes")]
        #expect(TranscriptAnchor.splice(later, turns: [Self.turn(after: first)], callerNumber: Self.caller).count == 5)
    }

    @Test func aRetryOfTheCurrentTurnIsNotSplicedAndTheLatestRecordingOfAPositionWins() {
        let first: [ChatMessage] = [.user("I need a cleaning")]
        #expect(TranscriptAnchor.splice(first, turns: [Self.turn(after: first)], callerNumber: Self.caller) == first)

        let retried = [ChatMessage.tool(callID: "call_2", content: "second")]
        let later = first + [.assistant("ok"), .user("Yes")]
        let spliced = TranscriptAnchor.splice(
            later, turns: [Self.turn(after: first), Self.turn(after: first, round: retried)], callerNumber: Self.caller)
        #expect(spliced == first + retried + [.assistant("ok"), .user("Yes")])
    }

    @Test func roundsNeverLandBetweenAnAssistantsToolCallsAndTheirResults() {
        // A turn anchored after an assistant message (the client's history shifted) is skipped.
        let shifted: [ChatMessage] = [.user("Hi"), .assistant(nil, toolCalls: [ToolCall(id: "t", name: "transfer_call", arguments: "{}")])]
        let turn = ConversationTurn(
            conversationID: "c", telephonyCallID: nil, callerNumber: nil, persona: "p", requestID: "r",
            anchor: TranscriptAnchor(position: 2, digest: TranscriptAnchor(messages: [.user("Hi")], callerNumber: nil).digest),
            callerText: nil, internalMessages: Self.round, answer: nil, clientToolCalls: [], finishReason: nil, error: nil,
            streamed: false, startedAt: Date(), duration: .zero)
        let later = shifted + [.tool(callID: "t", content: "done"), .user("Thanks")]
        #expect(TranscriptAnchor.splice(later, turns: [turn], callerNumber: nil) == later)
    }
}
