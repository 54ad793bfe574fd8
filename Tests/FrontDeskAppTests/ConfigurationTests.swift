import Agent
import Foundation
import Logging
@testable import FrontDeskApp
import Testing

@Suite("Configuration, exposure guard and redaction")
struct ConfigurationTests {
    @Test func theProcessEnvironmentOverridesTheEnvFile() throws {
        let directory = try FrontDeskHarness.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("env"), withIntermediateDirectories: true)
        try """
        # comment
        PORT=9001
        UPSTREAM_MODEL="from-file"
        export PERSONA_MODE=replace
        LOG_LEVEL=debug # trailing comment
        """.write(to: directory.appendingPathComponent("env/.env.test"), atomically: true, encoding: .utf8)
        let configuration = try AppConfiguration.load(profile: "test", environment: ["UPSTREAM_MODEL": "from-env"], directory: directory)
        #expect(configuration.port == 9001)
        #expect(configuration.upstreamModel == "from-env")
        #expect(configuration.personaMode == .replace)
        #expect(configuration.logLevel == .debug)
    }

    @Test func anInvalidValueNamesItsVariable() {
        #expect(throws: ConfigurationError.self) { try AppConfiguration(values: ["PORT": "eighty"]) }
        do {
            _ = try AppConfiguration(values: ["PERSONA_MODE": "append"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("PERSONA_MODE"))
        }
    }

    @Test func openAIKeyIsReadWhenUpstreamKeyIsAbsent() throws {
        #expect(try AppConfiguration(values: ["OPENAI_API_KEY": "sk-a"]).upstreamAPIKey == "sk-a")
        #expect(try AppConfiguration(values: ["OPENAI_API_KEY": "sk-a", "UPSTREAM_API_KEY": "sk-b"]).upstreamAPIKey == "sk-b")
        #expect(try AppConfiguration(values: [:]).upstreamIsConfigured == false)
        #expect(try AppConfiguration(values: ["UPSTREAM_BASE_URL": "http://127.0.0.1:8080/v1"]).upstreamIsConfigured)
    }

    @Test func aPublicBindWithoutAPIKeysRefusesToStartUnlessExplicitlyAllowed() throws {
        #expect(throws: ConfigurationError.self) { try AppConfiguration(values: ["HOST": "0.0.0.0"]).checkExposure() }
        try AppConfiguration(values: ["HOST": "0.0.0.0", "FRONTDESK_API_KEYS": "k"]).checkExposure()
        try AppConfiguration(values: ["HOST": "0.0.0.0", "FRONTDESK_ALLOW_UNAUTHENTICATED": "true"]).checkExposure()
        try AppConfiguration(values: ["HOST": "127.0.0.1"]).checkExposure()
    }

    @Test func redactionMasksPhonesAndRemovesKeys() {
        #expect(Redaction.phone("+12125550101") == "+121***0101")
        let text = Redaction.secrets(in: "bad key sk-proj-ABCDEFGH12345678 and mysecretvalue", secrets: ["mysecretvalue"])
        #expect(!text.contains("ABCDEFGH"))
        #expect(!text.contains("mysecretvalue"))
    }

    @Test func callerNumbersFromTelephonyAreNormalisedToE164() {
        #expect(TelephonyContext.normalise("+1 (212) 555-0101") == "+12125550101")
        #expect(TelephonyContext.normalise("212-555-0101") == "+12125550101")
        #expect(TelephonyContext.normalise("sip:+12125550101@sip.telnyx.com") == "+12125550101")
        #expect(TelephonyContext.normalise("anonymous") == nil)
    }
}
