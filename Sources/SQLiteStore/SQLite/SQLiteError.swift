import CSQLite
import Scheduling

/// A failure reported by SQLite, with the primary result code kept so callers can tell a busy
/// database (retry) or a constraint (a rule the schema enforced) from a real fault.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String

    /// SQLITE_BUSY and SQLITE_LOCKED mean "another connection holds the lock right now".
    var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }
    var isConstraint: Bool { code & 0xFF == SQLITE_CONSTRAINT }

    public var description: String { "SQLite error \(code): \(message)" }
}
