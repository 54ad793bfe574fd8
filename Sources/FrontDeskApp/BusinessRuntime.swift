import Agent
import Reception
import SQLiteStore

/// One business's front desk as it runs: its calendar file, its use-case layer, the agent that
/// answers its calls with its personas, and its call log. Nothing in one runtime refers to
/// another's, so no tool call, cache entry or remembered round can cross between businesses.
public struct BusinessRuntime: Sendable {
    public let id: String
    public let book: AppointmentBook
    public let desk: FrontDesk
    public let personas: PersonaStore
    public let agent: ChatAgent
    public let conversations: CallLogConversationStore
}
