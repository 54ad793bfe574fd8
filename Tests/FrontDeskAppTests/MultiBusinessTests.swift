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
import Synchronization
import Testing

/// Two businesses on one server, over real HTTP on loopback with real SQLite files: the home
/// dental practice in New York and a second business in Los Angeles with its own calendar file,
/// number, key and persona. Each request resolves to exactly one of them, or is refused.
@Suite("Many businesses on one server")
struct MultiBusinessTests {
    static let serverKey = "server-key-0123456789"
    static let dentalNumber = "+12125550000"
    static let salonNumber = "+13105550000"
    static let emily = "+12125550101"
    static let sam = "+13105550123"

    /// The second business: the demo profile moved to Los Angeles, with one patient, Sam,
    /// whose own provider is Dr. Chen.
    static let salonProfile: BusinessProfile = {
        var profile = DemoBusiness.profile
        profile.business.name = "Sunset Smiles"
        profile.business.timeZone = "America/Los_Angeles"
        profile.patients = [PatientSeed(firstName: "Sam", lastName: "Rivera", dateOfBirth: "1985-05-05", phone: sam,
                                        preferredProvider: "dr-chen")]
        return profile
    }()

    struct Setup: Sendable {
        var homePath: String
        var salonPath: String
        var dentalKey: String
        var salonKey: String
    }

    /// Registers the second business before the server starts, as an operator would with
    /// `frontdesk business add salon --import … && frontdesk business number add …`.
    static func run(_ body: @escaping @Sendable (any TestClientProtocol, ScriptedUpstream, Setup) async throws -> Void) async throws {
        let setup = Mutex<Setup?>(nil)
        try await FrontDeskHarness.run(configure: { configuration in
            configuration.apiKeys = [serverKey]
            let registry = try! BusinessRegistry(homePath: configuration.databasePath)
            let salon = try! registry.addBusiness(id: "salon", defaultPersona: "salon_spa")
            let salonPath = registry.databasePath(of: salon)
            try! AppointmentBook(path: salonPath).importProfile(salonProfile)
            _ = try! registry.addNumber(dentalNumber, business: BusinessRegistry.homeBusinessID)
            _ = try! registry.addNumber(salonNumber, business: "salon", persona: "dental_office")
            setup.withLock {
                $0 = Setup(homePath: configuration.databasePath, salonPath: salonPath,
                           dentalKey: try! registry.createKey(business: BusinessRegistry.homeBusinessID),
                           salonKey: try! registry.createKey(business: "salon"))
            }
        }, testing: .live) { client, upstream in
            try await body(client, upstream, try #require(setup.withLock { $0 }))
        }
    }

    static func body(called: String?, caller: String?, conversation: String, user: String = "Hello") -> JSONValue {
        var extra: [String: JSONValue] = ["telnyx_conversation_id": .string(conversation)]
        if let called { extra["telnyx_agent_target"] = .string(called) }
        if let caller { extra["telnyx_end_user_target"] = .string(caller) }
        return ["messages": [["role": "user", "content": .string(user)]], "extra_metadata": .object(extra)]
    }

    static func bearer(_ key: String, business: String? = nil) -> HTTPFields {
        var headers: HTTPFields = [.authorization: "Bearer \(key)"]
        if let business { headers[HTTPField.Name("X-FrontDesk-Business")!] = business }
        return headers
    }

    static func toolResult(_ request: RecordedRequest, _ id: String) -> JSONValue? {
        request.json["messages"]?.arrayValue?.first { $0["tool_call_id"]?.stringValue == id }?["content"]?.stringValue
            .flatMap { try? JSONValue(parsing: $0) }
    }

    static func systemMessage(_ request: RecordedRequest) -> String {
        request.json["messages"]?.arrayValue?.first?["content"]?.stringValue ?? ""
    }

    @Test func eachBusinessResolvesByItsNumberOrKeyAndBooksInItsOwnCalendar() async throws {
        try await Self.run { client, upstream, setup in
            let dental = try AppointmentBook(path: setup.homePath)
            let salon = try AppointmentBook(path: setup.salonPath)
            let salonSlot = try #require(try salon.findAvailableSlots(AvailabilityQuery(serviceID: "exam", providerID: "dr-chen"), now: Date()).slots.first)
            let salonStart = LocalTime(timeZone: TimeZone(identifier: "America/Los_Angeles")!).isoDateTime(salonSlot.start)

            // Given Emily calling the dental number (Telnyx, with the server key)
            upstream.enqueue([.text("Bright Smile here.")])
            let first = try await client.complete(Self.body(called: Self.dentalNumber, caller: Self.emily, conversation: "mb-1"),
                                                  headers: Self.bearer(Self.serverKey))
            // Then the dental practice answers, with its own profile in the prompt
            #expect(first.status == .ok, "\(first.text)")
            #expect(Self.systemMessage(try #require(upstream.recordedRequests.last)).contains("Bright Smile Dental"))

            // When Sam calls the salon with the salon's key and books an exam found by the tools
            upstream.enqueue([
                .toolCalls([ScriptedToolCall(id: "find", name: "find_available_slots",
                                             arguments: #"{"service_id":"exam","provider_id":null,"location_id":null,"from_date":null,"to_date":null,"time_of_day":null,"limit":3}"#)],
                           shape: .whole),
                .toolCalls([ScriptedToolCall(id: "book", name: "book_appointment",
                                             arguments: #"{"service_id":"exam","start":"\#(salonStart)","provider_id":"dr-chen","location_id":null,"hold_id":null,"notes":null}"#)],
                           shape: .whole),
                .text("Booked."),
            ])
            let second = try await client.complete(Self.body(called: nil, caller: Self.sam, conversation: "mb-2"),
                                                   headers: Self.bearer(setup.salonKey))
            #expect(second.status == .ok, "\(second.text)")
            let requests = upstream.recordedRequests
            // Then it ran with the salon's profile, zone and default persona (no number picked one)
            #expect(Self.systemMessage(requests[requests.count - 3]).contains("You are the front desk assistant for Sunset Smiles, a salon and spa"))
            #expect(Self.systemMessage(requests[requests.count - 3]).contains("America/Los_Angeles"))
            // and Sam's own provider was offered first
            let found = try #require(Self.toolResult(requests[requests.count - 2], "find"))
            #expect(found["preferred_provider"] == "Dr. Marcus Chen")
            #expect(found["slots"]?.arrayValue?.first?["provider_id"] == "dr-chen")
            // and the booking is in the salon's file, in Los Angeles time, and nowhere in the dental file
            let booked = try #require(Self.toolResult(requests[requests.count - 1], "book"))
            #expect(booked["start"]?.stringValue == salonStart)
            let appointmentID = try #require(booked["appointment_id"]?.intValue)
            let samInSalon = try #require(try salon.patient(byPhone: Self.sam))
            #expect(try salon.appointment(id: Int64(appointmentID), forPatient: samInSalon.id).status == .booked)
            #expect(try dental.patient(byPhone: Self.sam) == nil)
            #expect(try salon.outboxEvents().map(\.type) == ["booking.created"])
            // and each call log says how its call was resolved
            try await Self.eventually {
                try CallLog(path: setup.homePath).call(id: "call:mb-1")?.businessRule == "telnyx_agent_target"
                    && CallLog(path: setup.salonPath).call(id: "call:mb-2")?.businessRule == "api_key"
            }
            #expect(try CallLog(path: setup.homePath).call(id: "call:mb-2") == nil)
            // and staff see the number each call came in on (none for a call that named no number)
            #expect(try AppointmentBook(path: setup.homePath).callTranscript(id: "call:mb-1")?.call.calledNumber == Self.dentalNumber)
            #expect(try AppointmentBook(path: setup.salonPath).callTranscript(id: "call:mb-2")?.call.calledNumber == nil)

            // When the salon's number is called with the server key, its persona comes from the number
            upstream.enqueue([.text("Hello from the salon line.")])
            let third = try await client.complete(Self.body(called: Self.salonNumber, caller: nil, conversation: "mb-3"),
                                                  headers: Self.bearer(Self.serverKey))
            #expect(third.status == .ok)
            let system = Self.systemMessage(try #require(upstream.recordedRequests.last))
            #expect(system.contains("You are the front desk assistant for Sunset Smiles, a dental office"))
        }
    }

    @Test func aKeyOfOneBusinessWithAnothersNumberOrNameIsRefusedAndReachesNothing() async throws {
        try await Self.run { client, upstream, setup in
            // When the dental key calls with the salon's number, or names the salon
            let withNumber = try await client.complete(Self.body(called: Self.salonNumber, caller: Self.sam, conversation: "mix-1"),
                                                       headers: Self.bearer(setup.dentalKey))
            let withHeader = try await client.complete(Self.body(called: nil, caller: Self.sam, conversation: "mix-2"),
                                                       headers: Self.bearer(setup.dentalKey, business: "salon"))
            // Then both are refused with a clear OpenAI error, before any model or calendar work
            for response in [withNumber, withHeader] {
                #expect(response.status == .forbidden)
                #expect(response.json["error"]?["code"] == "business_mismatch")
            }
            #expect(upstream.recordedRequests.isEmpty)
            #expect(try CallLog(path: setup.salonPath).recentCalls(limit: 10).isEmpty)
            #expect(try CallLog(path: setup.homePath).recentCalls(limit: 10).isEmpty)
        }
    }

    @Test func aRequestThatNamesNoBusinessOrAnUnknownOneIsRefusedNeverGuessed() async throws {
        try await Self.run { client, upstream, setup in
            let unnamed = try await client.complete(Self.body(called: nil, caller: Self.emily, conversation: "n-1"),
                                                    headers: Self.bearer(Self.serverKey))
            #expect(unnamed.status == .badRequest)
            #expect(unnamed.json["error"]?["code"] == "business_required")
            let unknownNumber = try await client.complete(Self.body(called: "+19998887777", caller: Self.emily, conversation: "n-2"),
                                                          headers: Self.bearer(Self.serverKey))
            #expect(unknownNumber.status == .notFound)
            #expect(unknownNumber.json["error"]?["code"] == "unknown_business")
            let unknownName = try await client.complete(Self.body(called: nil, caller: Self.emily, conversation: "n-3"),
                                                        headers: Self.bearer(Self.serverKey, business: "nobody"))
            #expect(unknownName.status == .notFound)
            let withoutKey = try await client.complete(Self.body(called: Self.dentalNumber, caller: Self.emily, conversation: "n-4"))
            #expect(withoutKey.status == .unauthorized)
            #expect(upstream.recordedRequests.isEmpty)
            // And a server key may name the business explicitly
            upstream.enqueue([.text("Salon here.")])
            let named = try await client.complete(Self.body(called: nil, caller: nil, conversation: "n-5"),
                                                  headers: Self.bearer(Self.serverKey, business: "salon"))
            #expect(named.status == .ok)
            #expect(Self.systemMessage(try #require(upstream.recordedRequests.last)).contains("Sunset Smiles"))
        }
    }

    @Test func aModelToldToActOnAnotherBusinesssAppointmentChangesNothingThere() async throws {
        try await Self.run { client, upstream, setup in
            // Given Emily's next appointment in the dental practice
            let dental = try AppointmentBook(path: setup.homePath)
            let emily = try #require(try dental.patient(byPhone: Self.emily))
            let target = try #require(try dental.appointments(forPatient: emily.id, from: Date()).first)
            let eventsBefore = try dental.outboxEvents().count
            // When Sam, on the salon's number, gets a model that cancels and moves that id
            upstream.enqueue([
                .toolCalls([
                    ScriptedToolCall(id: "cancel", name: "cancel_appointment", arguments: #"{"appointment_id":\#(target.id),"reason":"told to"}"#),
                    ScriptedToolCall(id: "mine", name: "get_patient_appointments", arguments: "{}"),
                ], shape: .whole),
                .text("Done."),
            ])
            let response = try await client.complete(Self.body(called: Self.salonNumber, caller: Self.sam, conversation: "x-1"),
                                                     headers: Self.bearer(Self.serverKey))
            #expect(response.status == .ok)
            // Then the salon's front desk found no such appointment of Sam's, and listed only his own (none)
            let last = try #require(upstream.recordedRequests.last)
            #expect(Self.toolResult(last, "cancel")?["error"]?["code"] == "not_found")
            #expect(Self.toolResult(last, "mine")?["appointments"]?.arrayValue?.isEmpty == true)
            // and nothing changed in the dental practice: the appointment is booked, no event, no audit
            #expect(try dental.appointment(id: target.id, forPatient: emily.id).status == .booked)
            #expect(try dental.outboxEvents().count == eventsBefore)
            let salonAudit = try await ConversationMemoryTests.eventually {
                try AppointmentBook(path: setup.salonPath).auditEntries(conversationID: "call:x-1")
            }
            #expect(salonAudit.map(\.toolName).sorted() == ["cancel_appointment", "get_patient_appointments"])
            #expect(try dental.auditEntries(conversationID: "call:x-1").isEmpty)
        }
    }

    /// Polls `condition` for up to five seconds (the call log is written after the answer).
    static func eventually(_ condition: @escaping () throws -> Bool) async throws {
        for _ in 0..<100 {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("condition never held")
    }
}
