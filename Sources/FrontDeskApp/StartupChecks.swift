import Agent
import Foundation
import Logging
import Scheduling
import SQLiteStore

/// What `serve` verifies before it accepts a call: the configured persona exists (a typo in
/// PERSONA_NAME should stop the start, not fail every call), persona placeholders are known,
/// and a fresh calendar is seeded with the demo business (never one that has data).
public enum StartupChecks {
    public static func run(services: FrontDeskServices, logger: Logger) throws {
        let configuration = services.configuration
        if configuration.forwardClientKey, !configuration.apiKeys.isEmpty {
            throw ConfigurationError(
                "UPSTREAM_FORWARD_CLIENT_KEY=true sends the client's bearer token upstream, so it cannot also be one of FRONTDESK_API_KEYS. Use one or the other.")
        }
        let known = services.personas.names()
        guard known.contains(configuration.personaName) else {
            throw ConfigurationError(
                "PERSONA_NAME=\(configuration.personaName) has no file \(configuration.personasDirectory)/\(configuration.personaName).txt. Known personas: \(known.isEmpty ? "none (is PERSONAS_DIR right?)" : known.joined(separator: ", ")).")
        }
        for name in known {
            let persona = try services.personas.persona(named: name)
            let unknown = PromptAssembler.unknownPlaceholders(in: persona)
            if !unknown.isEmpty {
                logger.warning(
                    "persona uses unknown placeholders",
                    metadata: ["persona": "\(name)", "placeholders": "\(unknown.joined(separator: ", "))"])
            }
        }
        if try services.book.seedDemoIfEmpty() {
            logger.notice("created and seeded a demo calendar", metadata: ["database": "\(configuration.databasePath)"])
        }
        if !configuration.upstreamIsConfigured {
            logger.warning(
                "no upstream LLM configured: completions will answer 503 until UPSTREAM_API_KEY (or OPENAI_API_KEY), UPSTREAM_BASE_URL or UPSTREAM_FORWARD_CLIENT_KEY is set")
        }
    }
}
