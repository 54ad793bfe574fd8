import Agent
import Foundation
import FrontDeskApp
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OpenAIWire
import Reception
import SQLiteStore
import Scheduling
import ScriptedUpstream
import Testing

/// Bounded work and storage for any input (hardening item 9; ACCEPTANCE R4): what the call log
/// and the audit keep, and what error messages quote, stays small whatever a model or client sends.
@Suite("Bounded storage and error messages")
struct BoundedInputTests {
    @Test func hugeAnswersToolNamesAndArgumentsAreStoredCutWithANote() async throws {
        try await ToolLoopTests.run { client, upstream, path in
            // Given a model that calls a tool with a 100,000-character name and 1 MB of arguments,
            // then answers with 2 MB of text
            let name = String(repeating: "n", count: 100_000)
            let arguments = #"{"note":""# + String(repeating: "a", count: 1_000_000) + #""}"#
            upstream.enqueue([
                .toolCalls([ScriptedToolCall(id: "huge", name: name, arguments: arguments)], shape: .whole),
                .text(String(repeating: "b", count: 2_000_000)),
            ])
            let response = try await client.complete(ToolLoopTests.body(caller: ToolLoopTests.emily, conversation: "big-1"))
            #expect(response.status == .ok)
            // Then the model was told the name was unknown without the name echoed whole
            let result = try #require(ToolLoopTests.toolMessages(upstream.recordedRequests[1])["huge"])
            #expect(result.contains("unknown_tool"))
            #expect(result.utf8.count < 2_000)
            // and the audit row keeps a cut name and only the size of the arguments
            let book = try AppointmentBook(path: path)
            let audit = try #require(try await ConversationMemoryTests.eventually { try book.auditEntries(conversationID: "call:big-1") }.first)
            #expect(audit.toolName.count < 120 && audit.toolName.contains("[cut: 99936 more characters]"))
            #expect(audit.arguments.utf8.count < 400)
            // and the call log keeps a cut answer with a note, and remembers the call by its size only
            let log = try CallLog(path: path)
            let turns = try await ConversationMemoryTests.eventually { try log.turns(conversationID: "call:big-1") }
            let turn = try #require(turns.first)
            #expect((turn.answer ?? "").utf8.count < 20_000)
            #expect(turn.answer?.hasSuffix("…[cut: \(2_000_000 - 16 * 1024) more characters]") == true)
            #expect(turn.internalMessages.utf8.count < 4_000)
        }
    }

    @Test func anUnknownPersonaOf70KBIsNotEchoedWhole() async throws {
        try await FrontDeskHarness.run { client, _ in
            let persona = String(repeating: "p", count: 70_000)
            let response = try await client.complete(
                ["model": .string("frontdesk/" + persona), "messages": [["role": "user", "content": "Hi"]]])
            #expect(response.status == .badRequest || response.status == .notFound)
            #expect(response.body.readableBytes < 2_000)
        }
    }

    @Test func auditArgumentsCutLongStringsAndKeepOnlyTheSizeOfHugeOnes() {
        let long = ToolAudit.maskedArguments(#"{"reason":""# + String(repeating: "r", count: 1000) + #""}"#)
        #expect(long.contains("[cut: 800 more characters]"))
        let huge = ToolAudit.maskedArguments(
            "{" + (0..<2000).map { #""k\#($0)":"v""# }.joined(separator: ",") + "}")
        #expect(huge.hasPrefix(#"{"oversized_characters":"#))
    }

    @Test func upstreamErrorTextWithAPhoneAndABirthDateIsMaskedInEveryLogLine() async throws {
        // Given an upstream whose error messages quote a phone number and a date of birth
        let leak = "patient +1 (212) 555-0101 born 1988-04-12 (04/12/1988) caused an overload"
        let logs = LogRecorder()
        let errorEvent = #"data: {"error":{"message":"\#(leak)","type":"server_error","param":null,"code":null}}"# + "\n\n"
        try await FrontDeskHarness.run(script: [.raw([StallAndDeadlineTests.roleChunk, errorEvent], stall: false)], logs: logs) { client, _ in
            // When a streamed turn fails because of it, mid-stream
            _ = try await client.complete(["stream": true, "messages": [["role": "user", "content": "Hi"]]])
        }
        // Then the failure was logged, with neither the number nor the dates in it
        let text = logs.text
        #expect(text.contains("overload"), "the upstream's message should still be logged, masked")
        for secret in ["555-0101", "2125550101", "1988-04-12", "04/12/1988"] {
            #expect(!text.contains(secret), "log leaked \(secret)")
        }
    }

    @Test func maskingKeepsTheLastTwoDigitsAndLeavesOtherNumbersAlone() {
        #expect(Redaction.personalData(in: "call +12125550101 on 1988-04-12") == "call +*********01 on ****-**-12")
        #expect(Redaction.personalData(in: "3 tool rounds in 1250 ms") == "3 tool rounds in 1250 ms")
    }
}
