import Foundation
import FrontDeskApp
import HTTPTypes
import HummingbirdTesting
import OpenAIWire
import Reception
import ScriptedUpstream
import Testing

@Suite("Persona selection, confinement and hot reload")
struct PersonaSelectionTests {
    /// Small personas whose first words say which one was used.
    static func personas() throws -> URL {
        let root = try FrontDeskHarness.temporaryDirectory()
        let directory = root.appendingPathComponent("personas")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["default", "alpha", "beta", "gamma"] {
            try "PERSONA-\(name) for {{business_name}}".write(to: directory.appendingPathComponent("\(name).txt"), atomically: true, encoding: .utf8)
        }
        try "TOP-SECRET".write(to: root.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        return directory
    }

    static func systemMessage(_ upstream: ScriptedUpstream) -> String {
        upstream.recordedRequests.last?.json["messages"]?.arrayValue?.first?["content"]?.stringValue ?? ""
    }

    @Test func headerBeatsQueryBeatsModelBeatsTheConfiguredDefault() async throws {
        let directory = try Self.personas()
        try await FrontDeskHarness.run(configure: { $0.personasDirectory = directory.path; $0.personaName = "gamma" }) { client, upstream in
            let body: JSONValue = ["model": "frontdesk/beta", "messages": [["role": "user", "content": "Hi"]]]
            _ = try await client.complete(body, uri: "/v1/chat/completions?persona=alpha", headers: [HTTPField.Name("X-FrontDesk-Persona")!: "default"])
            #expect(Self.systemMessage(upstream).hasPrefix("PERSONA-default for Bright Smile Dental"))
            _ = try await client.complete(body, uri: "/v1/chat/completions?persona=alpha")
            #expect(Self.systemMessage(upstream).hasPrefix("PERSONA-alpha"))
            _ = try await client.complete(body)
            #expect(Self.systemMessage(upstream).hasPrefix("PERSONA-beta"))
            _ = try await client.complete(["model": "gpt-4o", "messages": [["role": "user", "content": "Hi"]]])
            #expect(Self.systemMessage(upstream).hasPrefix("PERSONA-gamma"))
        }
    }

    @Test func anUnknownOrEscapingPersonaIsA400ListingTheKnownOnesAndNothingIsSentUpstream() async throws {
        let directory = try Self.personas()
        try await FrontDeskHarness.run(configure: { $0.personasDirectory = directory.path }) { client, upstream in
            let hello: JSONValue = ["messages": [["role": "user", "content": "Hi"]]]
            for (uri, headers, body) in [
                ("/v1/chat/completions?persona=nope", HTTPFields(), hello),
                ("/v1/chat/completions", [HTTPField.Name("X-FrontDesk-Persona")!: "../secret"], hello),
                ("/v1/chat/completions?persona=..%2Fsecret", HTTPFields(), hello),
                ("/v1/chat/completions", HTTPFields(), ["model": "frontdesk/../secret", "messages": hello["messages"]!]),
            ] as [(String, HTTPFields, JSONValue)] {
                let response = try await client.complete(body, uri: uri, headers: headers)
                #expect(response.status == .badRequest)
                #expect(response.json["error"]?["code"] == "persona_not_found")
                #expect(response.json["error"]?["message"]?.stringValue?.contains("alpha, beta, default, gamma") == true)
                #expect(!response.text.contains("TOP-SECRET"))
            }
            #expect(upstream.requestCount == 0)
        }
    }

    @Test func anEditedPersonaFileTakesEffectOnTheNextRequest() async throws {
        let directory = try Self.personas()
        try await FrontDeskHarness.run(configure: { $0.personasDirectory = directory.path }) { client, upstream in
            let hello: JSONValue = ["messages": [["role": "user", "content": "Hi"]]]
            _ = try await client.complete(hello)
            #expect(Self.systemMessage(upstream).hasPrefix("PERSONA-default"))
            try "EDITED persona, now longer, for {{business_name}}".write(
                to: directory.appendingPathComponent("default.txt"), atomically: true, encoding: .utf8)
            _ = try await client.complete(hello)
            #expect(Self.systemMessage(upstream).hasPrefix("EDITED persona"))
        }
    }

    @Test func modelsListsEveryPersonaAsAModelID() async throws {
        try await FrontDeskHarness.run { client, _ in
            let response = try await client.execute(uri: "/v1/models", method: .get)
            #expect(response.json["object"] == "list")
            let ids = response.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(ids.contains("frontdesk/dental_office"))
            #expect(ids.contains("frontdesk/medical_clinic"))
            #expect(ids.contains("frontdesk/salon_spa"))
            #expect(ids.contains("scripted-model"))
        }
    }
}
