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
    /// How long one turn may take across all its upstream and tool rounds: a voice platform
    /// gives up on a silent turn after about 20 s, so the default stays well under that.
    public var turnDeadline: Duration

    public init(
        upstreamModel: String, defaultPersona: String = "default", personaMode: PersonaMode = .prepend, maxToolRounds: Int = 4,
        turnDeadline: Duration = .seconds(15)
    ) {
        self.upstreamModel = upstreamModel
        self.defaultPersona = defaultPersona
        self.personaMode = personaMode
        self.maxToolRounds = maxToolRounds
        self.turnDeadline = turnDeadline
    }
}
