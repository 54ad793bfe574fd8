/// The agent's settings, read from the environment by `FrontDeskApp` and passed in.
public struct AgentConfiguration: Sendable {
    /// Whether the persona is placed before the client's own system messages or replaces them.
    public enum PersonaMode: String, Sendable, CaseIterable {
        case prepend, replace
    }

    public var upstreamModel: String
    public var defaultPersona: String
    public var personaMode: PersonaMode
    public var maxToolRounds: Int

    public init(upstreamModel: String, defaultPersona: String = "default", personaMode: PersonaMode = .prepend, maxToolRounds: Int = 4) {
        self.upstreamModel = upstreamModel
        self.defaultPersona = defaultPersona
        self.personaMode = personaMode
        self.maxToolRounds = maxToolRounds
    }
}
