import Foundation

/// An operator's persona file, parsed: the prompt template plus its front-matter settings.
///
/// File format: an optional front matter block between `---` lines with `key: value` pairs
/// (`filler`, `fallback`, `model`, `disabled_tools`), then the prompt body with `{{placeholder}}`s.
public struct Persona: Sendable, Hashable {
    public let name: String
    public let template: PromptTemplate
    /// Spoken at once when a turn needs our tools before anything was said.
    public let filler: String?
    /// Said when the tool rounds of a turn run out before the model could answer.
    public let fallback: String
    /// Upstream model for this persona, overriding `UPSTREAM_MODEL`.
    public let model: String?
    /// Tools the operator turned off for this persona.
    public let disabledTools: Set<String>

    public static let defaultFallback =
        "I'm sorry, I couldn't finish checking that just now. Would you like me to take a message so the team can call you back?"

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
        self.template = PromptTemplate(String(body).trimmingCharacters(in: .whitespacesAndNewlines))
        self.filler = settings["filler"].flatMap { $0.isEmpty ? nil : $0 }
        self.fallback = settings["fallback"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultFallback
        self.model = settings["model"].flatMap { $0.isEmpty ? nil : $0 }
        let disabled = settings["disabled_tools"] ?? ""
        self.disabledTools = Set(
            disabled.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty && $0.lowercased() != "none"
            })
    }
}
