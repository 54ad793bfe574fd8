import Agent
import Foundation
import FrontDeskApp
import HTTPTypes
import HummingbirdTesting
import OpenAIWire
import Reception
import ScriptedUpstream
import Testing

@Suite("POST /v1/chat/completions through the real app, curl and a scripted fake LLM")
struct ChatCompletionsTests {
    static let hello: JSONValue = ["messages": [["role": "user", "content": "Hello"]]]

    @Test func jsonCompletionPutsTheRenderedPersonaFirstAndForwardsOpenAIFieldsUnchanged() async throws {
        try await FrontDeskHarness.run(script: [.text("Hi, this is Bright Smile Dental.")]) { client, upstream in
            // Given a Vapi-style request carrying OpenAI fields and telephony fields
            let body: JSONValue = [
                "model": "frontdesk/dental_office", "temperature": .number("0.70"), "max_tokens": 120, "seed": .number("12345678901234567890"),
                "user": "caller-7", "response_format": ["type": "text"],
                "messages": [["role": "system", "content": "Client system prompt"], ["role": "user", "content": "Hello"]],
                "call": ["id": "call-1", "customer": ["number": "+12125550101"]], "customer": ["number": "+12125550101"],
                "phoneNumber": ["number": "+12125550000"], "metadata": ["crm": "x"],
            ]
            // When
            let response = try await client.complete(body)
            // Then the client gets a chat.completion with the scripted text
            #expect(response.status == .ok)
            #expect(response.json["object"] == "chat.completion")
            #expect(response.json["choices"]?.arrayValue?.first?["message"]?["content"] == "Hi, this is Bright Smile Dental.")
            #expect(response.json["choices"]?.arrayValue?.first?["message"]?["refusal"] == .null)
            // and the upstream got our persona first, the client's system message second,
            let sent = try #require(upstream.recordedRequests.first).json
            let messages = try #require(sent["messages"]?.arrayValue)
            #expect(messages[0]["role"] == "system")
            #expect(messages[0]["content"]?.stringValue?.contains("Bright Smile Dental") == true)
            #expect(messages[1]["content"] == "Client system prompt")
            // our live context just before the caller's latest words, which come last
            #expect(messages[2]["content"]?.stringValue?.hasPrefix("LIVE CONTEXT") == true)
            #expect(messages[3]["content"] == "Hello")
            // the configured model, OpenAI fields byte-exact, and no telephony fields.
            #expect(sent["model"] == "scripted-model")
            let raw = try #require(upstream.recordedRequests.first).body
            #expect(raw.contains("\"temperature\":0.70"))
            #expect(raw.contains("\"seed\":12345678901234567890"))
            #expect(sent["max_tokens"] == 120)
            #expect(sent["user"] == "caller-7")
            #expect(sent["response_format"] == ["type": "text"])
            for field in ["call", "customer", "phoneNumber", "metadata", "extra_metadata"] {
                #expect(sent[field] == nil, "\(field) must not be forwarded")
            }
            #expect(upstream.recordedRequests.first?.authorization == "Bearer \(FrontDeskHarness.upstreamKey)")
        }
    }

    @Test func replaceModeDropsTheClientsSystemMessages() async throws {
        try await FrontDeskHarness.run(configure: { $0.personaMode = .replace }) { client, upstream in
            let body: JSONValue = ["messages": [["role": "system", "content": "Client system prompt"], ["role": "user", "content": "Hi"]]]
            #expect(try await client.complete(body).status == .ok)
            let messages = try #require(upstream.recordedRequests.first?.json["messages"]?.arrayValue)
            // our system message, our live context, the user's: the client's system message is gone
            #expect(messages.count == 3)
            #expect(messages.allSatisfy { $0["content"]?.stringValue?.contains("Client system prompt") == false })
            #expect(messages[1]["content"]?.stringValue?.hasPrefix("LIVE CONTEXT") == true)
            #expect(messages[2]["content"] == "Hi")
        }
    }

    @Test func theCallerFromTelnyxMetadataIsRecognisedInTheSystemMessage() async throws {
        try await FrontDeskHarness.run { client, upstream in
            let body: JSONValue = [
                "messages": [["role": "user", "content": "Hi"]],
                "extra_metadata": ["telnyx_end_user_target": "+1 (212) 555-0101", "telnyx_current_time": "2026-11-21T20:00:00Z"],
            ]
            #expect(try await client.complete(body).status == .ok)
            let messages = try #require(upstream.recordedRequests.first?.json["messages"]?.arrayValue)
            let system = try #require(messages.first?["content"]?.stringValue)
            let live = try #require(messages[messages.count - 2]["content"]?.stringValue)
            #expect(live.hasPrefix("LIVE CONTEXT"))
            // The number is the same all call long: in the system message. Who the caller is
            // can change during the call (they book, they verify): in the live context, just
            // before the caller's latest words.
            #expect(system.contains("+12125550101"))
            #expect(live.contains(#"first name "Emily" and last name "Johnson""#))
            #expect(!system.contains("Emily"))
            #expect(system.contains("America/New_York"))
        }
    }

    @Test func streamingRelaysEveryDeltaWithOneIDAndEndsWithDone() async throws {
        try await FrontDeskHarness.run(script: [.text("One two three four")]) { client, _ in
            let body: JSONValue = [
                "stream": true, "stream_options": ["include_usage": true], "messages": [["role": "user", "content": "Count"]],
            ]
            let response = try await client.complete(body)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let events = response.events
            #expect(events.last == "[DONE]")
            let chunks = try events.dropLast().map { try JSONValue(parsing: $0) }
            #expect(Set(chunks.compactMap { $0["id"]?.stringValue }).count == 1)
            let text = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
            #expect(text == "One two three four")
            // Every choice chunk but the last carries an explicit null finish_reason.
            let choices = chunks.compactMap { $0["choices"]?.arrayValue?.first }
            #expect(choices.dropLast().allSatisfy { $0["finish_reason"] == .null && $0["logprobs"] == .null })
            #expect(choices.last?["finish_reason"] == "stop")
            // The usage chunk comes last with empty choices.
            #expect(chunks.last?["choices"] == [])
            #expect(chunks.last?["usage"]?["total_tokens"] != nil)
        }
    }

    @Test func aClientToolCallGoesBackToTheClientInJSONAndStreamingForm() async throws {
        let call = ScriptedToolCall(id: "call_t1", name: "transfer_call", arguments: #"{"destination":"+12125550199"}"#)
        try await FrontDeskHarness.run(script: [.toolCalls([call], shape: .fragments), .toolCalls([call], shape: .repeated)]) { client, _ in
            let tools: JSONValue = [["type": "function", "function": ["name": "transfer_call", "parameters": ["type": "object"]]]]
            let json = try await client.complete(["messages": [["role": "user", "content": "Transfer me"]], "tools": tools])
            let choice = try #require(json.json["choices"]?.arrayValue?.first)
            #expect(choice["finish_reason"] == "tool_calls")
            #expect(choice["message"]?["content"] == .null)
            #expect(choice["message"]?["tool_calls"]?.arrayValue?.first?["function"]?["name"] == "transfer_call")
            #expect(choice["message"]?["tool_calls"]?.arrayValue?.first?["function"]?["arguments"] == .string(call.arguments))

            let stream = try await client.complete(["stream": true, "messages": [["role": "user", "content": "Transfer me"]], "tools": tools])
            let chunks = try stream.events.dropLast().map { try JSONValue(parsing: $0) }
            var assembler = ToolCallAssembler()
            for chunk in chunks {
                for delta in chunk["choices"]?.arrayValue?.first?["delta"]?["tool_calls"]?.arrayValue ?? [] {
                    assembler.add(ToolCallDelta(index: delta["index"]?.intValue ?? 0, id: delta["id"]?.stringValue,
                                                name: delta["function"]?["name"]?.stringValue, arguments: delta["function"]?["arguments"]?.stringValue))
                }
            }
            #expect(assembler.calls().map(\.name) == ["transfer_call"])
            #expect(assembler.calls().first?.arguments == call.arguments)
            #expect(chunks.last?["choices"]?.arrayValue?.first?["finish_reason"] == "tool_calls")
        }
    }

    @Test func anUnknownToolIsAnsweredToTheModelAndTheRoundsEndInASpokenFallback() async throws {
        let bogus = ScriptedToolCall(id: "call_x", name: "delete_everything", arguments: "{}")
        try await FrontDeskHarness.run(
            script: [.toolCalls([bogus], shape: .whole), .toolCalls([bogus], shape: .whole)],
            configure: { $0.maxToolRounds = 1 }
        ) { client, upstream in
            let response = try await client.complete(Self.hello)
            #expect(response.status == .ok)
            let content = try #require(response.json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue)
            #expect(content.contains("take a message"))
            // The second upstream request carried our tool result telling the model what was wrong.
            let second = try #require(upstream.recordedRequests.dropFirst().first?.json["messages"]?.arrayValue)
            let toolMessage = try #require(second.last)
            #expect(toolMessage["role"] == "tool")
            #expect(toolMessage["tool_call_id"] == "call_x")
            #expect(toolMessage["content"]?.stringValue?.contains("unknown_tool") == true)
        }
    }

    @Test func aStreamedTurnThatNeedsOurToolsSpeaksTheFillerFirst() async throws {
        let bogus = ScriptedToolCall(id: "call_y", name: "not_a_tool", arguments: "{}")
        try await FrontDeskHarness.run(script: [.toolCalls([bogus], shape: .fragments), .text("Here you go.")]) { client, _ in
            let response = try await client.complete([
                "stream": true, "model": "frontdesk/dental_office", "messages": [["role": "user", "content": "Any openings?"]],
            ])
            let chunks = try response.events.dropLast().map { try JSONValue(parsing: $0) }
            let text = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
            #expect(text == "One moment while I check the schedule. Here you go.")
            #expect(chunks.last?["choices"]?.arrayValue?.first?["finish_reason"] == "stop")
        }
    }
}
