import Agent
import Foundation
import Testing

@Suite("Persona files: front matter, templates and the store")
struct PersonaTests {
    static func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("personas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    @Test func frontMatterSetsFillerFallbackModelAndDisabledTools() {
        let persona = Persona(name: "x", text: """
            ---
            filler: One moment please.
            model: gpt-4.1-mini
            disabled_tools: cancel_appointment, create_patient
            fallback: Let me have someone call you back.
            ---
            Hello from {{business_name}}.
            """)
        #expect(persona.filler == "One moment please.")
        #expect(persona.model == "gpt-4.1-mini")
        #expect(persona.disabledTools == ["cancel_appointment", "create_patient"])
        #expect(persona.fallback == "Let me have someone call you back.")
        #expect(persona.template.render(["business_name": "Acme"]) == "Hello from Acme.")
    }

    @Test func stageSectionsDeclareTheCallsStagesAndLeaveTheBodyAndTextVariantAlone() {
        let persona = Persona(name: "x", text: """
            ---
            safe_line: Let me check that again.
            booked_phrases: squeezed you in
            ---
            Hello from {{business_name}}.

            --- stage identify ---
            tools: search_patients, create_patient
            Verify the caller first.

            --- stage scheduling ---
            Find a time.
            --- text ---
            Text body.
            """)
        #expect(persona.stages.map(\.name) == ["identify", "scheduling"])
        #expect(persona.stages[0].tools == ["search_patients", "create_patient"])
        #expect(persona.stages[0].instructions == "Verify the caller first.")
        #expect(persona.stages[1].tools == nil)  // all the persona's tools
        #expect(persona.stages[1].instructions == "Find a time.")
        #expect(persona.template.render(["business_name": "Acme"]) == "Hello from Acme.")
        #expect(persona.textTemplate.render([:]) == "Text body.")
        #expect(persona.safeLine == "Let me check that again.")
        #expect(persona.claimPhrases.kinds(in: "I squeezed you in on Friday.") == [.booked])
        // and a persona without sections has none: every tool, always
        #expect(Persona(name: "y", text: "Hello.").stages.isEmpty)
    }

    @Test func aPersonaWithoutFrontMatterIsAllBodyWithDefaults() {
        let persona = Persona(name: "x", text: "Just {{ business_name }} and {{mystery}}.")
        #expect(persona.filler == nil)
        #expect(persona.model == nil)
        #expect(persona.disabledTools.isEmpty)
        #expect(persona.template.placeholders == ["business_name", "mystery"])
        // An unknown placeholder stays visible so the operator sees the typo.
        #expect(persona.template.render(["business_name": "Acme"]) == "Just Acme and {{mystery}}.")
        #expect(PromptAssembler.unknownPlaceholders(in: persona) == ["mystery"])
    }

    @Test func aTextVariantFollowsItsMarkerAndAPersonaWithoutOneGetsTheDefaultTextGuidance() {
        let both = Persona(name: "x", text: "---\nfiller: One moment.\n---\nSpeak warmly for {{business_name}}.\n--- text ---\nText briefly for {{business_name}}.")
        #expect(both.template.render(["business_name": "Acme"]) == "Speak warmly for Acme.")
        #expect(both.textTemplate.render(["business_name": "Acme"]) == "Text briefly for Acme.")
        let voiceOnly = Persona(name: "y", text: "Speak warmly.")
        #expect(voiceOnly.textTemplate.render([:]) == "Speak warmly.\n\n" + Persona.defaultTextGuidance)
        // Placeholders of the text variant are checked too
        #expect(PromptAssembler.unknownPlaceholders(in: Persona(name: "z", text: "A\n--- text ---\n{{oops}}")) == ["oops"])
    }

    @Test func emptyFrontMatterValuesMeanNotSet() {
        let persona = Persona(name: "x", text: "---\nfiller:\nmodel:\ndisabled_tools:\n---\nBody")
        #expect(persona.filler == nil && persona.model == nil && persona.disabledTools.isEmpty)
        #expect(persona.template.render([:]) == "Body")
    }

    @Test func theStoreListsPersonasAndRefusesNamesThatLeaveTheDirectory() throws {
        let url = try Self.directory(["default.txt": "A", "salon_spa.txt": "B", "notes.md": "C"])
        try "SECRET".write(to: url.deletingLastPathComponent().appendingPathComponent("outside-\(url.lastPathComponent).txt"), atomically: true, encoding: .utf8)
        let store = PersonaStore(directory: url)
        #expect(store.names() == ["default", "salon_spa"])
        for name in ["../outside-\(url.lastPathComponent)", "a/b", ".hidden", "", "default.txt", String(repeating: "a", count: 65)] {
            #expect(throws: AgentError.self) { try store.persona(named: name) }
        }
        #expect(throws: AgentError.unknownPersona(name: "nope", known: ["default", "salon_spa"])) { try store.persona(named: "nope") }
    }

    @Test func anEditedFileIsReadAgainOnTheNextLookup() throws {
        let url = try Self.directory(["default.txt": "first version"])
        let store = PersonaStore(directory: url)
        #expect(try store.persona(named: "default").template.render([:]) == "first version")
        try "second, longer version".write(to: url.appendingPathComponent("default.txt"), atomically: true, encoding: .utf8)
        #expect(try store.persona(named: "default").template.render([:]) == "second, longer version")
    }
}
