import Foundation
import Reception
import Scheduling

/// An outbox event as stored: its id for consumers, its position for catching up.
public struct StoredEvent: Sendable, Equatable {
    public var sequence: Int64
    public var eventID: String
    public var type: String
    public var appointmentID: Int64?
    public var data: String
    public var createdAt: Date
}

/// One row of the change audit.
public struct ChangeAuditRow: Sendable, Equatable {
    public var action: String
    public var appointmentID: Int64?
    public var patientID: Int64?
    public var change: ChangeRecord
    public var detail: String?
}

extension AppointmentBook {
    // MARK: - Reads

    /// Outbox events after `sequence`, oldest first.
    public func outboxEvents(after sequence: Int64 = 0, limit: Int = 1000) throws -> [StoredEvent] {
        try read { db in
            try db.all("""
                SELECT id, event_id, type, appointment_id, data, created_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?
                """, [v(sequence), v(limit)]) { row in
                StoredEvent(sequence: row.int(0), eventID: row.text(1), type: row.text(2), appointmentID: row.optionalInt(3),
                            data: row.text(4), createdAt: Date(unixSeconds: row.int(5)))
            }
        }
    }

    /// The change audit, oldest first.
    public func changeAudit() throws -> [ChangeAuditRow] {
        try read { db in
            try db.all("""
                SELECT action, appointment_id, patient_id, actor_kind, actor_id, conversation_id, channel, detail FROM change_audit ORDER BY id
                """) { row in
                ChangeAuditRow(
                    action: row.text(0), appointmentID: row.optionalInt(1), patientID: row.optionalInt(2),
                    change: ChangeRecord(actorKind: ChangeRecord.ActorKind(rawValue: row.text(3)) ?? .system, actorID: row.optionalText(4),
                                         conversationID: row.optionalText(5), channel: row.text(6)),
                    detail: row.optionalText(7))
            }
        }
    }
}
