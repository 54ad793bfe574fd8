import Agent
import Foundation
import Logging
import FrontDeskApp
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OpenAIWire
import Reception
import ScriptedUpstream
import Testing

@Suite("Bad input, upstream faults and authentication map to OpenAI errors")
struct ErrorsAndAuthTests {
    static let hello: JSONValue = ["messages": [["role": "user", "content": "Hello"]]]

    /// Every error body has exactly OpenAI's four keys.
    static func expectOpenAIError(_ response: TestResponse, status: HTTPResponse.Status, param: JSONValue? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, sourceLocation: sourceLocation)
        let error = response.json["error"]?.objectValue
        #expect(Set(error?.keys.map { $0 } ?? []) == ["message", "type", "param", "code"], sourceLocation: sourceLocation)
        #expect(error?["message"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
        if let param { #expect(error?["param"] == param, sourceLocation: sourceLocation) }
    }

    @Test func malformedJSONAndInvalidFieldsAre400sNamingTheFieldAndNothingIsSentUpstream() async throws {
        try await FrontDeskHarness.run { client, upstream in
            let malformed = try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: "{\"messages\": [}"))
            Self.expectOpenAIError(malformed, status: .badRequest, param: .null)
            #expect(malformed.json["error"]?["type"] == "invalid_request_error")
            Self.expectOpenAIError(try await client.complete(["model": "x"]), status: .badRequest, param: "messages")
            Self.expectOpenAIError(try await client.complete(["messages": []]), status: .badRequest, param: "messages")
            Self.expectOpenAIError(
                try await client.complete(["messages": [["role": "user", "content": "a"], ["role": "wizard", "content": "b"]]]),
                status: .badRequest, param: "messages[1].role")
            Self.expectOpenAIError(
                try await client.complete(["stream": "yes", "messages": [["role": "user", "content": "a"]]]), status: .badRequest, param: "stream")
            #expect(upstream.requestCount == 0)
        }
    }

    @Test func aBodyOverTheLimitIs413AndARealisticLongCallIsAccepted() async throws {
        try await FrontDeskHarness.run(configure: { $0.maxBodyBytes = 300_000 }) { client, _ in
            // A 40-turn call of ≈ 200 KB: long transcribed turns plus a large tool schema list.
            var messages: [JSONValue] = []
            for turn in 0..<40 {
                messages.append(["role": turn % 2 == 0 ? "user" : "assistant", "content": .string(String(repeating: "word ", count: 900))])
            }
            let tools: JSONValue = .array((0..<12).map { index in
                ["type": "function", "function": ["name": .string("client_tool_\(index)"), "description": .string(String(repeating: "d", count: 1500)),
                                                  "parameters": ["type": "object", "properties": ["a": ["type": "string"]]]]]
            })
            let realistic: JSONValue = ["messages": .array(messages), "tools": tools]
            #expect(realistic.serialized().count > 190_000)
            #expect(try await client.complete(realistic).status == .ok)

            let huge: JSONValue = ["messages": [["role": "user", "content": .string(String(repeating: "x", count: 400_000))]]]
            Self.expectOpenAIError(try await client.complete(huge), status: .contentTooLarge)
        }
    }

    @Test func unknownRoutesAre404AndWrongMethodsAre405() async throws {
        try await FrontDeskHarness.run { client, _ in
            Self.expectOpenAIError(try await client.execute(uri: "/v1/completions", method: .post), status: .notFound)
            let wrongMethod = try await client.execute(uri: "/v1/chat/completions", method: .get)
            Self.expectOpenAIError(wrongMethod, status: .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "POST")
            Self.expectOpenAIError(try await client.execute(uri: "/health", method: .delete), status: .methodNotAllowed)
        }
    }

    @Test func upstream4xxKeepsItsStatusAndMessageWithoutEchoingSecretsAndIsNotRetried() async throws {
        let logs = LogRecorder()
        let echoed = "Incorrect API key provided: \(FrontDeskHarness.upstreamKey). You can find your API key at the dashboard."
        try await FrontDeskHarness.run(script: [.status(401, message: echoed, retryAfterSeconds: nil)], logs: logs) { client, upstream in
            let response = try await client.complete(Self.hello)
            Self.expectOpenAIError(response, status: .unauthorized)
            #expect(response.json["error"]?["message"]?.stringValue?.hasPrefix("Incorrect API key provided") == true)
            #expect(!response.text.contains(FrontDeskHarness.upstreamKey))
            #expect(!response.text.contains("0123456789abcdef"))
            #expect(upstream.requestCount == 1)
        }
        #expect(!logs.text.contains(FrontDeskHarness.upstreamKey))
    }

    @Test func upstream5xxIsRetriedThenAnswered() async throws {
        try await FrontDeskHarness.run(script: [
            .status(503, message: "overloaded", retryAfterSeconds: nil), .status(500, message: "oops", retryAfterSeconds: nil), .text("Recovered."),
        ]) { client, upstream in
            let response = try await client.complete(Self.hello)
            #expect(response.status == .ok)
            #expect(response.json["choices"]?.arrayValue?.first?["message"]?["content"] == "Recovered.")
            #expect(upstream.requestCount == 3)
        }
    }

    @Test func upstreamFailuresBeyondTheRetriesAre502() async throws {
        let failures = [ScriptedReply](repeating: .status(502, message: "bad gateway", retryAfterSeconds: nil), count: 5)
        try await FrontDeskHarness.run(script: failures, configure: { $0.maxRetries = 2 }) { client, upstream in
            let response = try await client.complete(Self.hello)
            Self.expectOpenAIError(response, status: .badGateway)
            #expect(upstream.requestCount == 3)
        }
    }

    @Test func aHangingUpstreamIsAnswered504BeforeTheFirstByteTimeoutRunsLong() async throws {
        try await FrontDeskHarness.run(script: [.hang, .hang], configure: { $0.firstByteTimeout = .milliseconds(400); $0.retryDeadline = .milliseconds(800) }) { client, _ in
            let started = ContinuousClock.now
            let response = try await client.complete(Self.hello)
            Self.expectOpenAIError(response, status: .gatewayTimeout)
            // Well before the harness's 5 s first-byte default: the configured 400 ms applied.
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }

    @Test func anUpstreamThatDropsMidStreamEndsWithAnErrorEventThenDone() async throws {
        try await FrontDeskHarness.run(script: [.dropMidStream(text: "Let me check that for you now", afterWords: 3)]) { client, _ in
            let response = try await client.complete(["stream": true, "messages": [["role": "user", "content": "Hi"]]])
            #expect(response.status == .ok)
            let events = response.events
            #expect(events.last == "[DONE]")
            let error = try JSONValue(parsing: events[events.count - 2])
            #expect(error["error"]?["message"]?.stringValue?.isEmpty == false)
            let spoken = try events.dropLast(2).map { try JSONValue(parsing: $0) }
                .compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
            #expect(spoken == "Let me check ")
        }
    }

    @Test func aRoundThatFailsBeforeAnyWordIsAskedOnceMoreThenReported() async throws {
        // Given an upstream whose stream fails before its first word (as llama.cpp does on a
        // tool call it cannot parse), then answers
        try await FrontDeskHarness.run(script: [.dropMidStream(text: "unused", afterWords: 0), .text("Hello there.")]) { client, upstream in
            let response = try await client.complete(["stream": true, "messages": [["role": "user", "content": "Hi"]]])
            // Then the caller hears the second answer, with no error
            let spoken = try response.events.dropLast().map { try JSONValue(parsing: $0) }
                .compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
            #expect(spoken == "Hello there.")
            #expect(!response.events.contains { $0.contains("\"error\"") })
            #expect(upstream.requestCount == 2)
        }
        // and twice in one turn is reported, not retried again
        try await FrontDeskHarness.run(script: [.dropMidStream(text: "unused", afterWords: 0), .dropMidStream(text: "unused", afterWords: 0)]) { client, upstream in
            let response = try await client.complete(["stream": true, "messages": [["role": "user", "content": "Hi"]]])
            #expect(response.events.last == "[DONE]")
            #expect(response.events.contains { $0.contains("\"error\"") })
            #expect(upstream.requestCount == 2)
        }
    }

    @Test func withAPIKeysConfiguredAMissingOrWrongKeyIs401AndTheUpstreamIsNeverCalled() async throws {
        let logs = LogRecorder()
        let keys = ["fd-key-alpha-7f3c9a1b2d4e", "fd-key-bravo-9e8d7c6b5a4f"]
        try await FrontDeskHarness.run(logs: logs, configure: { $0.apiKeys = keys }) { client, upstream in
            Self.expectOpenAIError(try await client.complete(Self.hello), status: .unauthorized)
            Self.expectOpenAIError(try await client.complete(Self.hello, headers: [.authorization: "Bearer fd-key-alpha-7f3c9a1b2d4X"]), status: .unauthorized)
            #expect(try await client.execute(uri: "/v1/models", method: .get).status == .unauthorized)
            #expect(upstream.requestCount == 0)
            #expect(try await client.complete(Self.hello, headers: [.authorization: "Bearer \(keys[1])"]).status == .ok)
            #expect(upstream.recordedRequests.first?.authorization == "Bearer \(FrontDeskHarness.upstreamKey)")
            // /health stays open for load balancers.
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
        for key in keys { #expect(!logs.text.contains(key)) }
        #expect(!logs.text.contains(FrontDeskHarness.upstreamKey))
    }

    @Test func theCallerHeaderIsTrustedOnlyOnAnAuthenticatedRequest() async throws {
        let caller = HTTPField.Name("X-FrontDesk-Caller")!
        try await FrontDeskHarness.run { client, upstream in
            _ = try await client.complete(Self.hello, headers: [caller: "+12125550101"])
            let system = (upstream.recordedRequests.last?.json["messages"]?.arrayValue ?? []).compactMap { $0["content"]?.stringValue }.joined()
            #expect(!system.contains("Emily"))
        }
        try await FrontDeskHarness.run(configure: { $0.apiKeys = ["fd-key-charlie-1234567890"] }) { client, upstream in
            _ = try await client.complete(Self.hello, headers: [caller: "+12125550101", .authorization: "Bearer fd-key-charlie-1234567890"])
            let system = (upstream.recordedRequests.last?.json["messages"]?.arrayValue ?? []).compactMap { $0["content"]?.stringValue }.joined()
            #expect(system.contains(#"first name "Emily" and last name "Johnson""#))
        }
    }

    @Test func withNoUpstreamConfiguredCompletionsAre503NamingTheVariablesAndHealthStillAnswers() async throws {
        let directory = try FrontDeskHarness.temporaryDirectory()
        var configuration = AppConfiguration()
        configuration.databasePath = directory.appendingPathComponent("fd.sqlite").path
        configuration.personasDirectory = FrontDeskHarness.repositoryRoot.appendingPathComponent("personas").path
        #expect(!configuration.upstreamIsConfigured)
        let services = try FrontDeskServices(configuration: configuration, logger: .init(label: "test"))
        defer { services.shutdown() }
        try StartupChecks.run(services: services, logger: .init(label: "test"))
        try await buildApplication(services: services, logger: .init(label: "test")).test(.router) { client in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let response = try await client.complete(Self.hello)
            Self.expectOpenAIError(response, status: .serviceUnavailable)
            #expect(response.json["error"]?["message"]?.stringValue?.contains("UPSTREAM_API_KEY") == true)
        }
    }

    @Test func forwardingTheClientKeySendsTheCallersBearerUpstreamInsteadOfOurs() async throws {
        try await FrontDeskHarness.run(configure: { $0.forwardClientKey = true; $0.upstreamAPIKey = nil }) { client, upstream in
            let response = try await client.complete(Self.hello, headers: [.authorization: "Bearer sk-callers-own-key-123456"])
            #expect(response.status == .ok)
            #expect(upstream.recordedRequests.first?.authorization == "Bearer sk-callers-own-key-123456")
        }
    }

    @Test func anUnknownConfiguredPersonaStopsStartUpWithAClearMessage() throws {
        let directory = try FrontDeskHarness.temporaryDirectory()
        var configuration = AppConfiguration()
        configuration.databasePath = directory.appendingPathComponent("fd.sqlite").path
        configuration.personasDirectory = FrontDeskHarness.repositoryRoot.appendingPathComponent("personas").path
        configuration.personaName = "dentl_office"
        let services = try FrontDeskServices(configuration: configuration, logger: .init(label: "test"))
        defer { services.shutdown() }
        do {
            try StartupChecks.run(services: services, logger: .init(label: "test"))
            Issue.record("start-up should have failed")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("PERSONA_NAME=dentl_office"))
            #expect(error.description.contains("dental_office"))
        }
    }

    @Test func forwardingTheClientKeyAndRequiringOurKeysAtOnceStopsStartUp() throws {
        let directory = try FrontDeskHarness.temporaryDirectory()
        var configuration = AppConfiguration()
        configuration.databasePath = directory.appendingPathComponent("fd.sqlite").path
        configuration.personasDirectory = FrontDeskHarness.repositoryRoot.appendingPathComponent("personas").path
        configuration.forwardClientKey = true
        configuration.apiKeys = ["fd-key"]
        let services = try FrontDeskServices(configuration: configuration, logger: .init(label: "test"))
        defer { services.shutdown() }
        #expect(throws: ConfigurationError.self) { try StartupChecks.run(services: services, logger: .init(label: "test")) }
    }
}
