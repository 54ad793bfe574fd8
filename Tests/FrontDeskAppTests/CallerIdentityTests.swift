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

/// Who a call acts for, attacked end to end (hardening items 1–3, ACCEPTANCE A9–A11): the real
/// app, a real SQLite file, the scripted fake LLM over loopback.
@Suite("Caller identity: no shared verifications, one attempt budget, registration on the calling number")
struct CallerIdentityTests {
    static let emily = ToolLoopTests.emily
    static func search(_ id: String, first: String = "Emily", last: String = "Johnson", dob: String) -> ScriptedToolCall {
        ScriptedToolCall(id: id, name: "search_patients",
                         arguments: #"{"first_name":"\#(first)","last_name":"\#(last)","date_of_birth":"\#(dob)"}"#)
    }
    static func appointments(_ id: String) -> ScriptedToolCall {
        ScriptedToolCall(id: id, name: "get_patient_appointments", arguments: "{}")
    }
    static func create(_ id: String, first: String, last: String, dob: String) -> ScriptedToolCall {
        ScriptedToolCall(id: id, name: "create_patient",
                         arguments: #"{"first_name":"\#(first)","last_name":"\#(last)","date_of_birth":"\#(dob)","email":null}"#)
    }
    /// An anonymous turn: no telephony call id, no caller number.
    static func anonymous(_ messages: [ChatMessage]) -> JSONValue {
        ConversationMemoryTests.body(messages, caller: nil, conversation: nil)
    }

    // MARK: - A9: callers whose calls merely start alike

    @Test func twoAnonymousCallersWhoOpenAlikeShareNoVerificationAndNoRememberedRounds() async throws {
        try await ToolLoopTests.run { client, upstream, _ in
            // Given caller 1, with neither call id nor number, opening with "Hello?" and verified as Emily
            upstream.enqueue([.toolCalls([Self.search("c1_verify", dob: "1988-04-12")], shape: .whole), .text("Thanks, Emily.")])
            #expect(try await client.complete(Self.anonymous([.user("Hello?")])).status == .ok)
            // and whose own next turn still acts for Emily (the continuation inherits)
            upstream.enqueue([.toolCalls([Self.appointments("c1_list")], shape: .whole), .text("You have one coming up.")])
            _ = try await client.complete(Self.anonymous([.user("Hello?"), .assistant("Thanks, Emily."), .user("What do I have?")]))
            #expect(ToolLoopTests.toolResults(try ToolLoopTests.last(upstream))["c1_list"]?["patient_first_name"] == "Emily")

            // When caller 2 opens the same way, hears something else, and asks for their appointments
            upstream.enqueue([.text("Hi, how can I help?")])
            _ = try await client.complete(Self.anonymous([.user("Hello?")]))
            upstream.enqueue([.toolCalls([Self.appointments("c2_list")], shape: .whole), .text("I need to verify you first.")])
            _ = try await client.complete(Self.anonymous([.user("Hello?"), .assistant("Hi, how can I help?"), .user("What do I have?")]))

            // Then caller 2 must verify, and none of caller 1's rounds (with Emily's birth date) reach the model
            let request = try ToolLoopTests.last(upstream)
            #expect(ToolLoopTests.toolResults(request)["c2_list"]?["error"]?["code"] == "verification_required")
            #expect(!request.body.contains("1988-04-12"))
            #expect(!request.body.contains("c1_verify"))
        }
    }

    @Test func oneAnonymousCallersFailedAttemptsDoNotLockOutAnotherWhoOpensAlike() async throws {
        try await ToolLoopTests.run { client, upstream, _ in
            // Given caller 1 (no ids) who spends the conversation's five attempts, then a sixth
            let guesses = (1...5).map { Self.search("c1_\($0)", first: "Nobody", last: "Here", dob: "1990-01-0\($0)") }
            upstream.enqueue([
                .toolCalls(guesses, shape: .whole),
                .toolCalls([Self.search("c1_6", first: "Nobody", last: "Here", dob: "1990-01-06")], shape: .whole),
                .text("Let me transfer you."),
            ])
            _ = try await client.complete(Self.anonymous([.user("Hi there")]))
            let first = ToolLoopTests.toolResults(try ToolLoopTests.last(upstream))
            #expect(first["c1_6"]?["error"]?["code"] == "too_many_attempts")
            // When caller 2 opens alike, hears something else, and verifies as Emily
            upstream.enqueue([.text("Hello, who is calling?")])
            _ = try await client.complete(Self.anonymous([.user("Hi there")]))
            upstream.enqueue([.toolCalls([Self.search("c2_verify", dob: "1988-04-12")], shape: .whole), .text("Thanks.")])
            _ = try await client.complete(Self.anonymous([.user("Hi there"), .assistant("Hello, who is calling?"), .user("Emily Johnson, April 12 1988")]))
            // Then caller 2 is verified: caller 1's lockout was caller 1's alone
            #expect(ToolLoopTests.toolResults(try ToolLoopTests.last(upstream))["c2_verify"] == ["verified": true, "first_name": "Emily"])
        }
    }

    // MARK: - A10: one attempt budget for every name + date-of-birth answer

    @Test func fortyCreatesInOneMessageAreCountedOneByOneAndFindNothingPastTheLimit() async throws {
        try await ToolLoopTests.run { client, upstream, path in
            // Given one model message with forty create_patient calls guessing Emily's birth date
            let calls = (0..<40).map { day in
                Self.create("g\(day)", first: "Emily", last: "Johnson",
                            dob: day == 39 ? "1988-04-12" : LocalDate(daysSinceEpoch: 6000 + day).description)
            }
            upstream.enqueue([.toolCalls(calls, shape: .whole), .toolCalls([Self.appointments("list")], shape: .whole), .text("Done.")])
            // When they run (in parallel)
            _ = try await client.complete(ToolLoopTests.body(caller: nil, conversation: "oracle-1"))
            // Then exactly five answered (created or duplicate) and the other 35 were refused
            let results = ToolLoopTests.toolResults(try ToolLoopTests.last(upstream))
            let codes = (0..<40).map { results["g\($0)"]?["error"]?["code"]?.stringValue ?? "ok" }
            #expect(codes.filter { $0 == "too_many_attempts" }.count == 35, "\(codes)")
            #expect(codes.filter { $0 == "ok" || $0 == "duplicate_patient" }.count == 5, "\(codes)")
            // and the conversation never acts for the real Emily (whose appointments are on file)
            #expect(results["list"]?["appointments"]?.arrayValue?.isEmpty == true)
            // and every attempt is audited: the five answers as verification attempts, all forty as tool calls
            let book = try AppointmentBook(path: path)
            let attempts = try book.verificationAttempts(conversationID: "call:oracle-1")
            #expect(attempts.count == 5)
            #expect(attempts.allSatisfy { $0.tool == "create_patient" && $0.outcome != "verified" })
            let audit = try await ConversationMemoryTests.eventually { try book.auditEntries(conversationID: "call:oracle-1") }.filter { $0.toolName == "create_patient" }
            #expect(audit.count == 40)
            #expect(audit.filter { $0.outcome == "too_many_attempts" }.count == 35)
        }
    }

    @Test func freshCallIDsDoNotResetTheBudgetKeptPerPatient() async throws {
        try await ToolLoopTests.run { client, upstream, path in
            // Given eight calls, each with a new call id and no number, each guessing Emily's birth date once
            var codes: [String] = []
            for attempt in 0..<8 {
                let dob = attempt == 7 ? "1988-04-12" : "1988-04-0\(attempt + 1)"
                upstream.enqueue([.toolCalls([Self.search("s\(attempt)", dob: dob)], shape: .whole), .text("…")])
                _ = try await client.complete(ToolLoopTests.body(caller: nil, conversation: "fresh-\(attempt)"))
                let result = ToolLoopTests.toolResults(try ToolLoopTests.last(upstream))["s\(attempt)"]
                codes.append(result?["error"]?["code"]?.stringValue ?? (result?["verified"] == true ? "verified" : "?"))
            }
            // Then five are denied, and from then on even the right birth date finds nothing
            #expect(codes == ["not_found", "not_found", "not_found", "not_found", "not_found",
                              "too_many_attempts", "too_many_attempts", "too_many_attempts"])
            // and each attempt is in the audit, under its own conversation
            let book = try AppointmentBook(path: path)
            #expect(try book.verificationAttempts(conversationID: "call:fresh-0").map(\.outcome) == ["denied"])
            #expect(try book.verificationAttempts(conversationID: "call:fresh-7").map(\.outcome) == ["refused"])
        }
    }

    // MARK: - A11: registration only on the calling number

    @Test func registeringFromAPatientsPhoneChangesNothingAboutHowTheyAreRecognised() async throws {
        try await ToolLoopTests.run { client, upstream, path in
            // Given a caller on Emily's phone who registers a made-up person
            upstream.enqueue([
                .toolCalls([Self.create("new", first: "Mallory", last: "Stranger", dob: "1970-01-01")], shape: .whole),
                .text("Registered."),
            ])
            _ = try await client.complete(ToolLoopTests.body(caller: Self.emily, conversation: "reg-1"))
            #expect(ToolLoopTests.toolResults(try ToolLoopTests.last(upstream))["new"]?["created"] == true)
            // Then the number still identifies Emily, in the book and on her next call
            let book = try AppointmentBook(path: path)
            #expect(try book.patient(byPhone: Self.emily)?.firstName == "Emily")
            upstream.enqueue([.toolCalls([Self.appointments("next")], shape: .whole), .text("…")])
            _ = try await client.complete(ToolLoopTests.body(caller: Self.emily, conversation: "reg-2"))
            #expect(ToolLoopTests.toolResults(try ToolLoopTests.last(upstream))["next"]?["patient_first_name"] == "Emily")
            // and Mallory is on the number she was registered from, not one the model chose
            let mallory = try #require(try book.patients(byPhone: Self.emily).first { $0.firstName == "Mallory" })
            #expect(mallory.phone == Self.emily)
        }
    }

    @Test func aPhoneNumberTheModelNamesIsRefusedAndAnAnonymousRegistrationHasNoNumber() async throws {
        try await ToolLoopTests.run { client, upstream, path in
            // Given a model that tries to register a stranger's number, then registers without one
            upstream.enqueue([
                .toolCalls([ScriptedToolCall(id: "spoof", name: "create_patient",
                    arguments: #"{"first_name":"Eve","last_name":"Spoof","date_of_birth":"1970-01-01","phone":"+12125550102","email":null}"#)],
                    shape: .whole),
                .toolCalls([Self.create("plain", first: "Eve", last: "Spoof", dob: "1970-01-01")], shape: .whole),
                .text("Registered."),
            ])
            _ = try await client.complete(ToolLoopTests.body(caller: nil, conversation: "reg-3"))
            let results = ToolLoopTests.toolResults(try ToolLoopTests.last(upstream))
            // Then the number is refused as an unknown field, and Eve is registered with no number
            #expect(results["spoof"]?["error"]?["code"] == "invalid_arguments")
            #expect(results["spoof"]?["error"]?["details"]?["field"] == "phone")
            #expect(results["plain"]?["created"] == true)
            let book = try AppointmentBook(path: path)
            #expect(try book.patient(byPhone: "+12125550102")?.firstName == "Michael")
            let eve = try #require(try book.patients(firstName: "Eve", lastName: "Spoof", dateOfBirth: "1970-01-01").first)
            #expect(eve.phone == nil)
        }
    }
}
