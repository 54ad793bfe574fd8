import Foundation

/// One tool call as recorded in the append-only audit table.
public struct AuditEntry: Sendable, Equatable {
    public var conversationID: String
    public var toolCallID: String
    public var toolName: String
    /// Redacted JSON text of the arguments (the caller redacts).
    public var arguments: String
    /// Outcome code, e.g. "ok", "slot_unavailable".
    public var outcome: String
    public var durationMilliseconds: Int
    public var createdAt: Date

    public init(conversationID: String, toolCallID: String, toolName: String, arguments: String, outcome: String, durationMilliseconds: Int, createdAt: Date) {
        self.conversationID = conversationID
        self.toolCallID = toolCallID
        self.toolName = toolName
        self.arguments = arguments
        self.outcome = outcome
        self.durationMilliseconds = durationMilliseconds
        self.createdAt = createdAt
    }
}
