import Foundation
import Synchronization
import FrontDeskApp
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import OpenAIWire
import Reception
import ScriptedUpstream

/// Runs the real application (real SQLite file, real libcurl client) against the scripted
/// fake upstream LLM on loopback, for one test.
struct FrontDeskHarness {
    static let upstreamKey = "sk-upstream-secret-0123456789abcdef"
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A fresh temporary directory per test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Starts the fake upstream and FrontDesk, then runs `body` with a client for FrontDesk.
    static func run(
        script: [ScriptedReply] = [],
        logs: LogRecorder? = nil,
        configure: @escaping @Sendable (inout AppConfiguration) -> Void = { _ in },
        testing: TestingSetup = .router,
        _ body: @escaping @Sendable (any TestClientProtocol, ScriptedUpstream) async throws -> Void
    ) async throws {
        let upstream = ScriptedUpstream(script: script)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = AppConfiguration()
        configuration.databasePath = directory.appendingPathComponent("frontdesk.sqlite").path
        configuration.personasDirectory = repositoryRoot.appendingPathComponent("personas").path
        configuration.upstreamAPIKey = upstreamKey
        configuration.upstreamModel = "scripted-model"
        configuration.retryDeadline = .seconds(5)
        configuration.firstByteTimeout = .seconds(5)
        let base = configuration
        try await upstream.run { baseURL in
            var configuration = base
            configuration.upstreamBaseURL = baseURL
            configuration.upstreamBaseURLIsExplicit = true
            configure(&configuration)
            let logger = logs?.logger ?? Logger(label: "frontdesk-tests", factory: { _ in SwiftLogNoOpLogHandler() })
            let services = try FrontDeskServices(configuration: configuration, logger: logger)
            defer { services.shutdown() }
            try StartupChecks.run(services: services, logger: logger)
            let app = buildApplication(services: services, logger: logger)
            try await app.test(testing) { client in
                try await body(client, upstream)
            }
        }
    }
}

extension TestClientProtocol {
    /// POSTs a chat completion body.
    func complete(_ body: JSONValue, uri: String = "/v1/chat/completions", headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body.serialized()))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: JSONValue { (try? JSONValue(parsing: Array(body.readableBytesView))) ?? .null }

    /// The `data:` payloads of an SSE body, `[DONE]` included.
    var events: [String] {
        var decoder = ServerSentEventDecoder()
        return decoder.feed(Array(body.readableBytesView)) + decoder.finish()
    }
}

extension RecordedRequest {
    var json: JSONValue { (try? JSONValue(parsing: body)) ?? .null }
}

/// Captures log lines in memory so tests can assert what never reaches the logs.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "frontdesk-tests") { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            recorder.append("\(event.level) \(event.message) \(merged.map { "\($0)=\($1)" }.joined(separator: " "))")
        }
    }
}
