import Foundation
import Reception
import Scheduling

extension AppointmentBook {
    // MARK: - Writes

    /// Appends one audit row. Rows can never be changed or deleted (triggers RAISE).
    public func appendAudit(_ entry: AuditEntry) throws {
        try write { db in try Self.insertAudit(entry, db: db) }
    }

    static func insertAudit(_ entry: AuditEntry, db: SQLiteConnection) throws {
        try db.run("""
            INSERT INTO tool_audit (conversation_id, tool_call_id, tool_name, arguments, outcome, duration_ms, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [v(entry.conversationID), v(entry.toolCallID), v(entry.toolName), v(entry.arguments), v(entry.outcome),
                  v(max(0, entry.durationMilliseconds)), v(entry.createdAt.unixSeconds)])
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
