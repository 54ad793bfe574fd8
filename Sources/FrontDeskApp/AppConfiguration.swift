import Agent
import Foundation
import Reception
import Logging

/// Every setting of the service, read once at start-up from the process environment over
/// `env/.env.<profile>` (the files hold documented defaults, never secrets).
public struct AppConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8000
    public var databasePath = "data/frontdesk.sqlite"
    public var upstreamBaseURL = AppConfiguration.openAIBaseURL
    /// True when UPSTREAM_BASE_URL was set: a self-hosted server (llama.cpp, vLLM) may need no key.
    public var upstreamBaseURLIsExplicit = false
    public var upstreamAPIKey: String?
    public var upstreamModel = "gpt-4o-mini"
    public var forwardClientKey = false
    public var fallbackBaseURLs: [String] = []
    public var connectTimeout: Duration = .seconds(3)
    public var firstByteTimeout: Duration = .seconds(8)
    public var totalTimeout: Duration = .seconds(120)
    /// Most silence between upstream body bytes once a streamed answer has begun.
    public var idleTimeout: Duration = .seconds(10)
    /// One turn, across every upstream and tool round.
    public var turnDeadline: Duration = .seconds(15)
    public var retryDeadline: Duration = .seconds(10)
    public var maxRetries = 2
    public var apiKeys: [String] = []
    public var allowUnauthenticated = false
    public var personasDirectory = "personas"
    public var personaName = "default"
    public var personaMode: AgentConfiguration.PersonaMode = .prepend
    public var maxBodyBytes = 2 * 1024 * 1024
    /// A connection with no request in progress (idle keep-alive, or a request head still
    /// incomplete: slowloris) is closed after this.
    public var httpIdleTimeout: Duration = .seconds(30)
    /// A request's body must arrive whole within this of its head, or it is answered 408.
    public var httpBodyTimeout: Duration = .seconds(10)
    /// Most client connections open at once; nil: the process's file-descriptor limit less a
    /// reserve for the database, the upstream and logs.
    public var maxConnections: Int?
    public var maxToolRounds = 4
    public var logLevel: Logger.Level = .info
    /// Marks console session cookies `Secure` (set it when FrontDesk is served over HTTPS,
    /// usually behind a TLS-terminating proxy).
    public var consoleSecureCookies = false
    /// bcrypt cost of console passwords (each step doubles the time of a guess).
    public var passwordCost: UInt8 = 12
    /// How often the webhook service looks for new events and due deliveries.
    public var webhookPollInterval: Duration = .milliseconds(500)
    /// Waits between webhook attempts, and how long an endpoint may fail before it is turned off.
    public var webhookSchedule = RetrySchedule.standard
    /// One webhook attempt's limit.
    public var webhookTimeout: Duration = .seconds(10)
    /// The Telnyx account's Ed25519 public key (base64); without it the Telnyx webhooks answer 503.
    public var telnyxPublicKey: String?
    /// How far a Telnyx webhook's timestamp may be from now, either way.
    public var telnyxTolerance: TimeInterval = 300
    /// For the Telnyx API (texts); without it texts wait.
    public var telnyxAPIKey: String?
    public var telnyxAPIBaseURL = "https://api.telnyx.com"
    /// How often due texts are looked for.
    public var textsPollInterval: Duration = .seconds(1)
    /// The bearer `GET /metrics` needs; without it /metrics is off.
    public var metricsToken: String?
    /// Label request metrics with the business id (off: an id can name a client).
    public var metricsBusinessLabel = false

    public static let openAIBaseURL = "https://api.openai.com/v1"

    public init() {}

    /// Whether completions can reach an upstream at all; otherwise they answer 503 naming the variables.
    public var upstreamIsConfigured: Bool { upstreamAPIKey != nil || forwardClientKey || upstreamBaseURLIsExplicit }

    /// Loads `env/.env.<profile>` (if present, relative to `directory`) under the process environment.
    public static func load(
        profile: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) throws(ConfigurationError) -> AppConfiguration {
        guard ["local", "test", "production"].contains(profile) else {
            throw ConfigurationError("Unknown environment '\(profile)': use local, test or production.")
        }
        let file = directory.appendingPathComponent("env/.env.\(profile)")
        var values: [String: String] = [:]
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            values = EnvFile.parse(text)
        }
        values.merge(environment) { _, process in process }
        return try AppConfiguration(values: values)
    }

    /// Builds the configuration from KEY=VALUE pairs; an invalid value names its variable.
    public init(values: [String: String]) throws(ConfigurationError) {
        func value(_ key: String) -> String? {
            guard let raw = values[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func int(_ key: String, range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            guard let raw = value(key) else { return nil }
            guard let number = Int(raw), range.contains(number) else {
                throw ConfigurationError("\(key)=\(raw) is not a whole number in \(range.lowerBound)...\(range.upperBound).")
            }
            return number
        }
        func bool(_ key: String) throws(ConfigurationError) -> Bool? {
            guard let raw = value(key)?.lowercased() else { return nil }
            switch raw {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw ConfigurationError("\(key)=\(raw) must be true or false.")
            }
        }
        func milliseconds(_ key: String) throws(ConfigurationError) -> Duration? {
            try int(key, range: 1...3_600_000).map { .milliseconds($0) }
        }
        func list(_ key: String) -> [String] {
            (value(key) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        self.init()
        if let host = value("HOST") { self.host = host }
        if let port = try int("PORT", range: 0...65535) { self.port = port }
        if let path = value("DATABASE_PATH") { databasePath = path }
        if let url = value("UPSTREAM_BASE_URL") {
            upstreamBaseURL = url
            upstreamBaseURLIsExplicit = url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) != Self.openAIBaseURL
        }
        upstreamAPIKey = value("UPSTREAM_API_KEY") ?? value("OPENAI_API_KEY")
        if let model = value("UPSTREAM_MODEL") { upstreamModel = model }
        if let forward = try bool("UPSTREAM_FORWARD_CLIENT_KEY") { forwardClientKey = forward }
        fallbackBaseURLs = list("UPSTREAM_FALLBACK_BASE_URLS")
        if let timeout = try milliseconds("UPSTREAM_CONNECT_TIMEOUT_MS") { connectTimeout = timeout }
        if let timeout = try milliseconds("UPSTREAM_FIRST_BYTE_TIMEOUT_MS") { firstByteTimeout = timeout }
        if let timeout = try milliseconds("UPSTREAM_TOTAL_TIMEOUT_MS") { totalTimeout = timeout }
        if let timeout = try milliseconds("UPSTREAM_IDLE_TIMEOUT_MS") { idleTimeout = timeout }
        if let timeout = try milliseconds("TURN_DEADLINE_MS") { turnDeadline = timeout }
        if let timeout = try milliseconds("UPSTREAM_RETRY_DEADLINE_MS") { retryDeadline = timeout }
        if let retries = try int("UPSTREAM_MAX_RETRIES", range: 0...10) { maxRetries = retries }
        apiKeys = list("FRONTDESK_API_KEYS")
        if let allow = try bool("FRONTDESK_ALLOW_UNAUTHENTICATED") { allowUnauthenticated = allow }
        if let directory = value("PERSONAS_DIR") { personasDirectory = directory }
        if let name = value("PERSONA_NAME") { personaName = name }
        if let mode = value("PERSONA_MODE") {
            guard let parsed = AgentConfiguration.PersonaMode(rawValue: mode.lowercased()) else {
                throw ConfigurationError("PERSONA_MODE=\(mode) must be prepend or replace.")
            }
            personaMode = parsed
        }
        if let limit = try int("MAX_BODY_BYTES", range: 1024...(64 * 1024 * 1024)) { maxBodyBytes = limit }
        if let timeout = try milliseconds("HTTP_IDLE_TIMEOUT_MS") { httpIdleTimeout = timeout }
        if let timeout = try milliseconds("HTTP_BODY_TIMEOUT_MS") { httpBodyTimeout = timeout }
        if let limit = try int("MAX_CONNECTIONS", range: 1...1_000_000) { maxConnections = limit }
        if let rounds = try int("MAX_TOOL_ROUNDS", range: 0...16) { maxToolRounds = rounds }
        if let secure = try bool("CONSOLE_SECURE_COOKIES") { consoleSecureCookies = secure }
        if let cost = try int("CONSOLE_PASSWORD_COST", range: 4...16) { passwordCost = UInt8(cost) }
        if let poll = try milliseconds("WEBHOOK_POLL_MS") { webhookPollInterval = max(poll, .milliseconds(10)) }
        if let timeout = try milliseconds("WEBHOOK_TIMEOUT_MS") { webhookTimeout = timeout }
        if let text = value("WEBHOOK_RETRY_SCHEDULE") {
            guard let waits = RetrySchedule.durations(text) else {
                throw ConfigurationError("WEBHOOK_RETRY_SCHEDULE=\(text) must be waits like 5s,5m,30m,2h (units ms, s, m, h, d).")
            }
            webhookSchedule.waits = waits
        }
        if let key = value("TELNYX_PUBLIC_KEY") {
            guard let raw = Data(base64Encoded: key), raw.count == 32 else {
                throw ConfigurationError("TELNYX_PUBLIC_KEY must be the base64 of the account's 32-byte Ed25519 public key (Mission Control → Keys & Credentials → Public Key).")
            }
            telnyxPublicKey = key
        }
        if let tolerance = try int("TELNYX_WEBHOOK_TOLERANCE_S", range: 1...86_400) { telnyxTolerance = TimeInterval(tolerance) }
        telnyxAPIKey = value("TELNYX_API_KEY")
        if let url = value("TELNYX_API_BASE_URL") { telnyxAPIBaseURL = url }
        if let poll = try milliseconds("TEXTS_POLL_MS") { textsPollInterval = max(poll, .milliseconds(10)) }
        metricsToken = value("METRICS_TOKEN")
        if let label = try bool("METRICS_BUSINESS_LABEL") { metricsBusinessLabel = label }
        if let text = value("WEBHOOK_DISABLE_AFTER") {
            guard let after = RetrySchedule.duration(text) else {
                throw ConfigurationError("WEBHOOK_DISABLE_AFTER=\(text) must be a duration like 3d or 12h.")
            }
            webhookSchedule.disableAfter = after
        }
        if let level = value("LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError("LOG_LEVEL=\(level) must be one of trace, debug, info, notice, warning, error, critical.")
            }
            logLevel = parsed
        }
    }

    /// A8: serving beyond this machine with no API keys would hand the upstream key and the
    /// calendar to anyone who finds the port.
    public func checkExposure() throws(ConfigurationError) {
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) || host.hasPrefix("127.")
        if !loopback, apiKeys.isEmpty, !allowUnauthenticated {
            throw ConfigurationError(
                "Refusing to listen on \(host) without API keys: anyone who reaches this port could use your upstream key and calendar. Set FRONTDESK_API_KEYS=<secret>[,<secret>…] (clients send Authorization: Bearer <secret>), or bind HOST=127.0.0.1, or for a local experiment set FRONTDESK_ALLOW_UNAUTHENTICATED=true.")
        }
    }
}

/// A setting that cannot be used, with the message an operator needs to fix it.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// `KEY=VALUE` lines with `#` comments, optional `export ` and optional quotes.
enum EnvFile {
    static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("export ") { line.removeFirst(7) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            values[key] = value
        }
        return values
    }
}
