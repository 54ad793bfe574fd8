import Agent
import Foundation
import HTTPTypes
import HummingbirdTesting
import OpenAIWire
import SQLiteStore
import Scheduling
import ScriptedUpstream
import Testing

@Suite("No unkept promise reaches the caller")
struct PromiseGuardTests {
    static let unkept = "Great news, I've booked your cleaning for Tuesday at 8:00 AM. See you then!"
    static let honest = "Sorry, I haven't booked anything yet. Which day works for you?"

    @Test func aClaimedBookingNoToolMadeIsWithheldAndTheModelIsToldNothingChanged() async throws {
        try await ToolLoopTests.run { client, upstream, path in
            // Given a model that says it booked without calling a tool, then answers honestly when told
            let appointmentsBefore = try AppointmentBook(path: path).listAppointments().count
            upstream.enqueue([.text(Self.unkept), .text(Self.honest)])
            // When the call streams
            let response = try await client.complete(ToolLoopTests.body(caller: ToolLoopTests.emily, conversation: "promise-1", stream: true))
            #expect(response.status == .ok)
            #expect(response.events.last == "[DONE]")
            // Then the caller heard the words before the claim and the honest answer, never the claim
            let spoken = ToolLoopTests.spokenText(response)
            #expect(spoken == "Great news, " + Self.honest)
            #expect(!spoken.contains("booked your cleaning"))
            // and the model was asked once more, told that nothing was booked
            let requests = upstream.recordedRequests
            #expect(requests.count == 2)
            let last = try #require(requests[1].json["messages"]?.arrayValue?.last)
            #expect(last["role"] == "system")
            #expect(last["content"]?.stringValue?.contains("the caller did NOT hear \"I've booked your cleaning for Tuesday at 8:00 AM.\"") == true)
            // and the call log keeps what was withheld
            let turns = try await ConversationMemoryTests.eventually { try CallLog(path: path).turns(conversationID: "call:promise-1") }
            let kinds = try #require(try JSONValue(parsing: turns[0].interventions).arrayValue).compactMap { $0["kind"]?.stringValue }
            #expect(kinds == ["unkept_claim", "corrective_round"])
            #expect(turns[0].answer == spoken)
            // and nothing was booked
            let book = try AppointmentBook(path: path)
            #expect(try book.auditEntries(conversationID: "call:promise-1").isEmpty)
            #expect(try book.listAppointments().count == appointmentsBefore)
        }
    }

    @Test func whenTheCorrectionFailsTooTheSafeLineIsSaidInstead() async throws {
        try await ToolLoopTests.run { client, upstream, path in
            upstream.enqueue([.text(Self.unkept), .text("You're all set for Tuesday.")])
            let response = try await client.complete(ToolLoopTests.body(caller: ToolLoopTests.emily, conversation: "promise-2", stream: true))
            let spoken = ToolLoopTests.spokenText(response)
            #expect(spoken == "Great news, " + Persona.defaultSafeLine)
            #expect(upstream.recordedRequests.count == 2)
            let turns = try await ConversationMemoryTests.eventually { try CallLog(path: path).turns(conversationID: "call:promise-2") }
            let kinds = try #require(try JSONValue(parsing: turns[0].interventions).arrayValue).compactMap { $0["kind"]?.stringValue }
            #expect(kinds == ["unkept_claim", "corrective_round", "unkept_claim", "safe_line"])
        }
    }

    @Test func theJSONPathIsGuardedTheSameWay() async throws {
        try await ToolLoopTests.run { client, upstream, _ in
            upstream.enqueue([.text(Self.unkept), .text(Self.honest)])
            let response = try await client.complete(ToolLoopTests.body(caller: ToolLoopTests.emily, conversation: "promise-3"))
            #expect(response.status == .ok)
            #expect(response.json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue == Self.honest)
        }
    }

    @Test func aClaimTheBookingBacksIsSaidAndTheModelsRepeatedFillerIsNot() async throws {
        try await ToolLoopTests.run { client, upstream, path in
            // Given a free cleaning, a model that books it, then repeats FrontDesk's filler before confirming
            let book = try AppointmentBook(path: path)
            let slot = try #require(try ToolLoopTests.freeForEmily(book, AvailabilityQuery(serviceID: "cleaning")))
            let spokenSlot = ToolLoopTests.newYork.slot(slot.start)
            upstream.enqueue([
                .toolCalls([ScriptedToolCall(id: "call_book", name: "book_appointment",
                                             arguments: #"{"service_id":"cleaning","start":"\#(ToolLoopTests.newYork.isoDateTime(slot.start))","provider_id":"\#(slot.providerID)","location_id":null,"hold_id":null,"notes":null}"#)],
                           shape: .whole),
                .text("One moment while I check the schedule. You're booked for \(spokenSlot)."),
            ])
            let response = try await client.complete(ToolLoopTests.body(caller: ToolLoopTests.emily, conversation: "promise-4", stream: true))
            // Then the filler is heard once (FrontDesk's), and the backed claim in full
            let spoken = ToolLoopTests.spokenText(response)
            #expect(spoken.components(separatedBy: "One moment while I check the schedule.").count == 2)
            #expect(spoken.hasSuffix("You're booked for \(spokenSlot)."))
            #expect(upstream.recordedRequests.count == 2)
        }
    }
}
