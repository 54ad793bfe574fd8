import Foundation
import Scheduling

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

extension AppointmentBook {
    // MARK: - Writes

    /// Appends one audit row. Rows can never be changed or deleted (triggers RAISE).
    public func appendAudit(_ entry: AuditEntry) throws {
        try write { db in
            try db.run("""
                INSERT INTO tool_audit (conversation_id, tool_call_id, tool_name, arguments, outcome, duration_ms, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [v(entry.conversationID), v(entry.toolCallID), v(entry.toolName), v(entry.arguments), v(entry.outcome),
                      v(max(0, entry.durationMilliseconds)), v(entry.createdAt.unixSeconds)])
        }
    }

    // MARK: - Reads

    public func auditEntries(conversationID: String) throws -> [AuditEntry] {
        try read { db in
            try db.all("""
                SELECT conversation_id, tool_call_id, tool_name, arguments, outcome, duration_ms, created_at
                FROM tool_audit WHERE conversation_id = ? ORDER BY id
                """, [v(conversationID)]) { row in
                AuditEntry(conversationID: row.text(0), toolCallID: row.text(1), toolName: row.text(2), arguments: row.text(3),
                           outcome: row.text(4), durationMilliseconds: row.int(5), createdAt: Date(unixSeconds: row.int(6)))
            }
        }
    }
}
