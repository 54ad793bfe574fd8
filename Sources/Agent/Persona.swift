import Foundation

/// An operator's persona file, parsed: the prompt template plus its front-matter settings.
///
/// File format: an optional front matter block between `---` lines with `key: value` pairs
/// (`filler`, `fallback`, `safe_line`, `model`, `disabled_tools`, and `booked_phrases`,
/// `moved_phrases`, `cancelled_phrases`, `confirmed_phrases`: the persona's own words for
/// claiming a change, comma-separated), then the prompt body with `{{placeholder}}`s.
/// A line `--- text ---` may follow the voice body: what comes after it is the prompt for text
/// conversations (SMS). Without one, texts get the voice body plus `defaultTextGuidance`.
/// `--- stage NAME ---` sections declare the call's stages (`CallStage`).
public struct Persona: Sendable, Hashable {
    public let name: String
    public let template: PromptTemplate
    /// The prompt for text conversations (SMS chats).
    public let textTemplate: PromptTemplate
    /// Spoken at once when a turn needs our tools before anything was said.
    public let filler: String?
    /// Said when the tool rounds of a turn run out before the model could answer.
    public let fallback: String
    /// Said instead of a claimed change no tool committed, when a corrective round did not help.
    public let safeLine: String
    /// The words that claim a change, the standard ones plus the persona's own.
    public let claimPhrases: ClaimPhrases
    /// Upstream model for this persona, overriding `UPSTREAM_MODEL`.
    public let model: String?
    /// Tools the operator turned off for this persona.
    public let disabledTools: Set<String>
    /// The call's stages, the first where a call starts; empty: no stages (`CallStage`).
    public let stages: [CallStage]

    /// What a persona without a text variant is told when the conversation is by text.
    public static let defaultTextGuidance = """
        This conversation is by text message, not a phone call. Write short replies (one to three \
        sentences), plain text without lists or markdown. Write dates and times with digits, e.g. \
        "Mon Nov 30, 8:00 AM". Do not describe what you are doing or say you are checking: just reply.
        """

    /// The voice body, and the text body after a `--- text ---` line, when there is one.
    static func split(_ body: String) -> (voice: String, text: String?) {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard let marker = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == "--- text ---" }) else {
            return (body.trimmingCharacters(in: .whitespacesAndNewlines), nil)
        }
        return (lines[..<marker].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
                lines[(marker + 1)...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    public static let defaultFallback =
        "I'm sorry, I couldn't finish checking that just now. Would you like me to take a message so the team can call you back?"

    public static let defaultSafeLine =
        "I'm sorry, I haven't made that change yet. Could you tell me again what you'd like, so I get it right?"

    public init(name: String, text: String) {
        self.name = name
        var settings: [String: String] = [:]
        var body = Substring(text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---",
            let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
        {
            for line in lines[1..<end] {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if !key.isEmpty, !key.hasPrefix("#") { settings[key] = value }
            }
            body = lines[(end + 1)...].joined(separator: "\n")[...]
        }
        let staged = CallStage.extract(from: String(body))
        self.stages = staged.stages
        let parts = Self.split(staged.rest)
        self.template = PromptTemplate(parts.voice)
        self.textTemplate = PromptTemplate(parts.text ?? parts.voice + "\n\n" + Self.defaultTextGuidance)
        self.filler = settings["filler"].flatMap { $0.isEmpty ? nil : $0 }
        self.fallback = settings["fallback"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultFallback
        self.safeLine = settings["safe_line"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultSafeLine
        var extra: [ClaimKind: [String]] = [:]
        for kind in ClaimKind.allCases {
            extra[kind] = (settings["\(kind.rawValue)_phrases"] ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
        }
        self.claimPhrases = ClaimPhrases.standard.adding(extra)
        self.model = settings["model"].flatMap { $0.isEmpty ? nil : $0 }
        let disabled = settings["disabled_tools"] ?? ""
        self.disabledTools = Set(
            disabled.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty && $0.lowercased() != "none"
            })
    }
}
