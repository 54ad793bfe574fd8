import Foundation
import Synchronization
import Reception
import Scheduling

/// The conversations the assistant had: who called, each turn, the tool rounds it ran and
/// what it answered. Lives in the calendar's SQLite file, so staff read bookings and the calls
/// that made them in one place.
///
/// It has its own connection with `synchronous=NORMAL`: a transcript line is worth less than
/// a booking, and its commits must not wait for fsync behind a caller's turn. Bookings keep
/// `synchronous=FULL` on the book's connection.
public final class CallLog: Sendable {
    public let path: String
    /// Appends are refused once the path no longer names the file opened (it would be lost).
    private let file: DatabaseFile
    private let connection: Mutex<SQLiteConnection>
    /// Reads have a connection of their own: in WAL mode they never wait for a lock, and they
    /// must not wait behind an append that does (the next turn's memory read, while another
    /// process holds the write lock).
    private let reader: Mutex<SQLiteConnection>

    public init(path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let connection = try SQLiteConnection(path: path, synchronous: .normal)
        try SchemaMigrations.migrate(connection)
        self.file = try DatabaseFile(path: path)
        self.path = path
        self.connection = Mutex(connection)
        self.reader = Mutex(try SQLiteConnection(path: path, synchronous: .normal))
    }

    // MARK: - Writes

    /// Appends turns in one transaction, creating or touching their conversations.
    public func append(_ turns: [CallTurnRecord]) throws {
        guard !turns.isEmpty else { return }
        try file.verify()
        try connection.withLock { db in
            try db.immediateTransaction {
                for turn in turns {
                    let started = turn.startedAt.unixMilliseconds
                    try db.run("""
                        INSERT INTO calls (id, telephony_call_id, caller, persona, started_at_ms, last_turn_at_ms, turns, business_rule,
                                           called_number)
                        VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET
                            turns = turns + 1,
                            last_turn_at_ms = max(last_turn_at_ms, excluded.last_turn_at_ms),
                            caller = coalesce(calls.caller, excluded.caller),
                            called_number = coalesce(calls.called_number, excluded.called_number)
                        """, [v(turn.conversationID), v(turn.telephonyCallID), v(turn.caller), v(turn.persona), v(started), v(started),
                              v(turn.businessRule), v(turn.calledNumber)])
                    try db.run("""
                        INSERT INTO call_turns (call_id, request_id, anchor_position, anchor_digest, caller_text, internal_messages,
                            answer, client_tool_calls, finish_reason, error, streamed, started_at_ms, duration_ms, patient_id,
                            failed_verifications, interventions)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, [v(turn.conversationID), v(turn.requestID), v(turn.anchorPosition), v(turn.anchorDigest),
                              v(turn.callerText), v(turn.internalMessages), v(turn.answer), v(turn.clientToolCalls),
                              v(turn.finishReason), v(turn.error), v(turn.streamed), v(started), v(max(0, turn.durationMilliseconds)),
                              v(turn.patientID), v(max(0, turn.failedVerifications)), v(turn.interventions)])
                    for entry in turn.toolAudit { try AppointmentBook.insertAudit(entry, db: db) }
                }
            }
        }
    }

    // MARK: - Reads

    /// Every turn of one conversation, oldest first.
    public func turns(conversationID: String) throws -> [CallTurnRecord] {
        try turns(where: "t.call_id = ?", [v(conversationID)])
    }

    /// The turns of one conversation that left something for later turns: internal tool rounds
    /// (spliced back) or an identity (who the conversation acts for, failed verifications).
    /// - Parameter position: only turns anchored before it (earlier in the client's transcript)
    ///   can be continued; the others are never read, so a long-running conversation key (a
    ///   client that sends the same opening line every time) costs no more than a short one.
    public func rememberedTurns(conversationID: String, before position: Int = .max) throws -> [CallTurnRecord] {
        try turns(where: """
            t.call_id = ?1 AND t.anchor_position < ?2
            AND (t.internal_messages <> '[]' OR t.patient_id IS NOT NULL OR t.failed_verifications > 0)
            """, [v(conversationID), v(position)])
    }

    /// The most recent conversations first.
    public func recentCalls(limit: Int, caller: String? = nil) throws -> [CallSummary] {
        try calls(where: "?1 IS NULL OR caller = ?1", [v(caller), v(max(0, limit))])
    }

    /// One conversation, or nil.
    public func call(id: String) throws -> CallSummary? {
        try calls(where: "id = ?1", [v(id), v(1)]).first
    }

    private func calls(where condition: String, _ values: [SQLiteValue]) throws -> [CallSummary] {
        try reader.withLock { db in
            try db.all("""
                SELECT id, telephony_call_id, caller, persona, started_at_ms, last_turn_at_ms, turns, business_rule FROM calls
                WHERE \(condition) ORDER BY last_turn_at_ms DESC, id LIMIT ?2
                """, values) { row in
                CallSummary(
                    id: row.text(0), telephonyCallID: row.optionalText(1), caller: row.optionalText(2), persona: row.text(3),
                    startedAt: Date(unixMilliseconds: row.int(4)), lastTurnAt: Date(unixMilliseconds: row.int(5)), turns: row.int(6),
                    businessRule: row.optionalText(7))
            }
        }
    }

    /// The conversation ids that start with `prefix` (ids are long; staff type the start).
    public func conversationIDs(matching prefix: String, limit: Int = 10) throws -> [String] {
        try reader.withLock { db in
            // substr, not LIKE: ids may contain % and _.
            try db.all("SELECT id FROM calls WHERE substr(id, 1, length(?1)) = ?1 ORDER BY last_turn_at_ms DESC LIMIT ?2",
                       [v(prefix), v(limit)]) { $0.text(0) }
        }
    }

    private func turns(where condition: String, _ values: [SQLiteValue]) throws -> [CallTurnRecord] {
        try reader.withLock { db in
            try db.all("""
                SELECT t.call_id, c.telephony_call_id, c.caller, c.persona, t.request_id, t.anchor_position, t.anchor_digest,
                       t.caller_text, t.internal_messages, t.answer, t.client_tool_calls, t.finish_reason, t.error, t.streamed,
                       t.started_at_ms, t.duration_ms, t.patient_id, t.failed_verifications, t.interventions
                FROM call_turns t JOIN calls c ON c.id = t.call_id
                WHERE \(condition) ORDER BY t.id
                """, values) { row in
                CallTurnRecord(
                    conversationID: row.text(0), telephonyCallID: row.optionalText(1), caller: row.optionalText(2),
                    persona: row.text(3), requestID: row.text(4), anchorPosition: row.int(5), anchorDigest: row.text(6),
                    callerText: row.optionalText(7), internalMessages: row.text(8), answer: row.optionalText(9),
                    clientToolCalls: row.text(10), finishReason: row.optionalText(11), error: row.optionalText(12),
                    streamed: row.bool(13), startedAt: Date(unixMilliseconds: row.int(14)), durationMilliseconds: row.int(15),
                    patientID: row.optionalInt(16), failedVerifications: row.int(17), interventions: row.text(18))
            }
        }
    }
}

extension Date {
    var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
    init(unixMilliseconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(unixMilliseconds) / 1000) }
}
