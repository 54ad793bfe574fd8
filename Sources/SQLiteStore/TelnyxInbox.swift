import Foundation
import Synchronization

/// Webhooks received from Telnyx, kept in the server's own file before they are answered: the
/// answer (200) can go out at once while the work happens after, a crash between the two loses
/// nothing, and an event Telnyx delivers twice (it does) is handled once.
///
/// Methods block (SQLite); the server calls them on its blocking-work executor.
public final class TelnyxInbox: Sendable {
    public struct Event: Sendable, Equatable {
        public var id: String
        public var type: String
        /// `pending`, `done`, `ignored` or `unhandled` (kept for work not built yet).
        public var state: String
        /// The raw body Telnyx sent.
        public var body: String
        public var receivedAt: Date
        public var note: String?
    }

    private let connection: Mutex<SQLiteConnection>

    public init(homePath: String) throws {
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: homePath).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        let connection = try SQLiteConnection(path: homePath, synchronous: .normal)
        try connection.immediateTransaction { try connection.execute(Self.schema) }
        self.connection = Mutex(connection)
    }

    private static let schema = """
        CREATE TABLE IF NOT EXISTS telnyx_events (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'ignored', 'unhandled')),
            body TEXT NOT NULL,
            received_at_ms INTEGER NOT NULL,
            note TEXT
        );
        CREATE INDEX IF NOT EXISTS telnyx_events_pending ON telnyx_events(received_at_ms) WHERE state = 'pending';
        """

    /// Keeps an event; false when its id was received before (nothing changes then).
    public func receive(id: String, type: String, body: String, now: Date) throws -> Bool {
        try connection.withLock { db in
            try db.immediateTransaction {
                try db.run("""
                    INSERT OR IGNORE INTO telnyx_events (id, type, state, body, received_at_ms) VALUES (?, ?, 'pending', ?, ?)
                    """, [v(id), v(type), v(body), v(Int64(now.timeIntervalSince1970 * 1000))]) == 1
            }
        }
    }

    /// Events still to handle, oldest first.
    public func pending(limit: Int) throws -> [Event] {
        try events(where: "state = 'pending'", limit: limit, ascending: true)
    }

    public func recent(limit: Int) throws -> [Event] {
        try events(where: "1", limit: limit, ascending: false)
    }

    public func finish(id: String, state: String, note: String?) throws {
        try connection.withLock { db in
            try db.immediateTransaction {
                _ = try db.run("UPDATE telnyx_events SET state = ?, note = ? WHERE id = ?", [v(state), v(note), v(id)])
            }
        }
    }

    private func events(where condition: String, limit: Int, ascending: Bool) throws -> [Event] {
        try connection.withLock { db in
            try db.all("""
                SELECT id, type, state, body, received_at_ms, note FROM telnyx_events WHERE \(condition)
                ORDER BY received_at_ms \(ascending ? "ASC" : "DESC"), id LIMIT ?
                """, [v(limit)]) { row in
                Event(id: row.text(0), type: row.text(1), state: row.text(2), body: row.text(3),
                      receivedAt: Date(timeIntervalSince1970: Double(row.int(4) as Int64) / 1000), note: row.optionalText(5))
            }
        }
    }
}
