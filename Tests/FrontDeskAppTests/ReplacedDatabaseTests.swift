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

/// The database file renamed, deleted or replaced under the running server (hardening item 13,
/// ACCEPTANCE R5): `/health` says so with a 503, and no booking is confirmed that is not stored.
@Suite("A database file replaced under the running server")
struct ReplacedDatabaseTests {
    enum Change: String, CaseIterable { case renamed, deleted, replaced }

    @Test(arguments: Change.allCases)
    func healthIs503AndNoBookingIsConfirmed(_ change: Change) async throws {
        try await ToolLoopTests.run { client, upstream, path in
            // Given a healthy server and a free slot for Emily
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let slot = try #require(try ToolLoopTests.freeForEmily(try AppointmentBook(path: path), AvailabilityQuery(serviceID: "cleaning")))
            // When the file is taken away from under it
            switch change {
            case .renamed: try FileManager.default.moveItem(atPath: path, toPath: path + ".moved")
            case .deleted: try FileManager.default.removeItem(atPath: path)
            case .replaced:
                try FileManager.default.moveItem(atPath: path, toPath: path + ".old")
                _ = try AppointmentBook(path: path)
            }
            // Then /health answers 503 naming it
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .serviceUnavailable)
            #expect(try JSONValue(parsing: String(buffer: health.body))["database"] == "replaced")
            // and a booking is refused as calendar_unavailable, not confirmed
            upstream.enqueue([
                .toolCalls([ScriptedToolCall(id: "book", name: "book_appointment", arguments: """
                    {"service_id":"cleaning","start":"\(ToolLoopTests.newYork.isoDateTime(slot.start))","provider_id":"\(slot.providerID)","location_id":null,"hold_id":null,"notes":null}
                    """)], shape: .whole),
                .text("Sorry."),
            ])
            let turn = try await client.complete(ToolLoopTests.body(caller: ToolLoopTests.emily, conversation: "gone-\(change)"))
            if upstream.recordedRequests.isEmpty {
                // (A file replaced by an empty one has no business profile: the turn fails before
                // the model is asked, as an error, which confirms nothing either.)
                #expect(change == .replaced)
                #expect(turn.status == .serviceUnavailable || turn.status == .internalServerError, "\(turn.status)")
            } else {
                let result = ToolLoopTests.toolResults(try ToolLoopTests.last(upstream))["book"]
                #expect(result?["error"]?["code"] == "calendar_unavailable", "\(String(describing: result))")
            }
        }
    }
}
