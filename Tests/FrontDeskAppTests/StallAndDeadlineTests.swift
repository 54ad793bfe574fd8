import Foundation
import FrontDeskApp
import HTTPTypes
import HummingbirdTesting
import OpenAIWire
import Reception
import ScriptedUpstream
import Testing

/// Nothing stalls silently (hardening items 5, 8, 10; ACCEPTANCE R1, R4): an upstream that goes
/// quiet after its first bytes, a turn whose rounds are all slow, a stream that answers nothing,
/// a line without end. Real app, real libcurl, the scripted fake LLM on loopback.
@Suite("Stalls, deadlines and streams that answer nothing")
struct StallAndDeadlineTests {
    static let roleChunk =
        #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"# + "\n\n"
    static let streamed: JSONValue = ["stream": true, "messages": [["role": "user", "content": "Hi"]]]

    /// The stream ends with an error event then `[DONE]`; returns the error message.
    static func expectErrorThenDone(_ response: TestResponse) throws -> String {
        #expect(response.status == .ok)
        let events = response.events
        #expect(events.last == "[DONE]")
        let error = try JSONValue(parsing: events[max(0, events.count - 2)])
        let message = try #require(error["error"]?["message"]?.stringValue)
        return message
    }

    @Test(arguments: [
        [roleChunk],
        [": keep-alive\n\n", ": keep-alive\n\n"],
        [roleChunk, #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Let me "},"finish_reason":null}]}"# + "\n\n"],
    ])
    func anUpstreamThatStallsAfterItsFirstBytesEndsWithinTheIdleTimeout(_ pieces: [String]) async throws {
        // Given an upstream that sends its head and a little, then nothing (total timeout 120 s)
        try await FrontDeskHarness.run(script: [.raw(pieces, stall: true)], configure: { $0.idleTimeout = .milliseconds(500) }) { client, _ in
            // When a caller streams a turn
            let started = ContinuousClock.now
            let response = try await client.complete(Self.streamed)
            // Then an error event and [DONE] arrive after the idle timeout, not the total timeout
            let message = try Self.expectErrorThenDone(response)
            #expect(message.contains("in time"), "\(message)")
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func aTurnWhoseEveryRoundIsSlowEndsByTheTurnDeadlineWithTheFallback() async throws {
        // Given a model that asks for a tool every round, each round ~1 s of slow chunks
        let find = ScriptedToolCall(id: "f", name: "get_services", arguments: #"{"location_id":null,"provider_id":null}"#)
        let script = Array(repeating: ScriptedReply.toolCalls([find], shape: .fragments), count: 6)
        try await FrontDeskHarness.run(script: script, configure: {
            $0.turnDeadline = .milliseconds(1500)
            $0.maxToolRounds = 6
        }) { client, upstream in
            upstream.setChunkDelay(.milliseconds(250))
            // When a caller streams a turn (six slow rounds would take ~6 s)
            let started = ContinuousClock.now
            let response = try await client.complete(Self.streamed)
            let elapsed = ContinuousClock.now - started
            // Then the turn ends near its deadline, with words or an error event, and [DONE]
            #expect(response.status == .ok)
            #expect(response.events.last == "[DONE]")
            #expect(elapsed < .seconds(4), "\(elapsed)")
            #expect(upstream.requestCount < 6)
        }
    }

    @Test func aStreamOfEmptyChoicesThenDoneIsAnErrorNotAnEmptyAnswer() async throws {
        let empty = #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[]}"# + "\n\n"
        try await FrontDeskHarness.run(script: [.raw([empty, empty, "data: [DONE]\n\n"], stall: false)]) { client, _ in
            let response = try await client.complete(Self.streamed)
            let message = try Self.expectErrorThenDone(response)
            #expect(message.contains("without an answer"), "\(message)")
        }
    }

    @Test func anSSELineLongerThanTheLimitEndsTheStreamWithAnError() async throws {
        // Given a data line of 9 MB that never ends (the decoder's limit is 8 MB), twice: a round
        // that fails before any word is asked once more
        let line = "data: {\"x\":\"" + String(repeating: "a", count: 9 * 1024 * 1024)
        try await FrontDeskHarness.run(script: [.raw([Self.roleChunk, line], stall: true), .raw([Self.roleChunk, line], stall: true)]) { client, _ in
            let response = try await client.complete(Self.streamed)
            let message = try Self.expectErrorThenDone(response)
            #expect(message.contains("longer than the limit"), "\(message)")
        }
    }
}
