import Foundation
import Reception
import Scheduling
import Synchronization

/// Console users, their sessions and login attempts: tables in the server's own database file
/// next to the business registry, so accounts outlive restarts and every FrontDesk process on
/// the file sees the same sessions. Passwords arrive already hashed with a slow KDF (the app's
/// bcrypt); session tokens are stored only as SHA-256 hashes, so the file never holds a
/// credential that works as it is.
///
/// Methods block (SQLite); the server calls them on its blocking-work executor.
public final class StaffAccounts: Sendable {
    private let connection: Mutex<SQLiteConnection>

    public init(homePath: String) throws {
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: homePath).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        let connection = try SQLiteConnection(path: homePath)
        try connection.immediateTransaction { try connection.execute(Self.schema) }
        self.connection = Mutex(connection)
    }

    private static let schema = """
        CREATE TABLE IF NOT EXISTS staff_users (
            id INTEGER PRIMARY KEY,
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE
                CHECK (length(username) BETWEEN 1 AND 64 AND username NOT GLOB '*[^A-Za-z0-9._@-]*'),
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('staff', 'operator')),
            created_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS staff_sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS staff_sessions_user ON staff_sessions(user_id);
        CREATE TABLE IF NOT EXISTS login_attempts (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL COLLATE NOCASE,
            client TEXT,
            succeeded INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
            created_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS login_attempts_username ON login_attempts(username, created_at);
        CREATE INDEX IF NOT EXISTS login_attempts_client ON login_attempts(client, created_at);
        """

    // MARK: - Users

    /// Adds a user of `businessID`. Throws `.invalid` for a bad name, `.duplicate…` style
    /// `.invalid(field: "username")` when taken, `.notFound("business")` for an unknown business.
    @discardableResult
    public func addUser(username: String, businessID: String, role: StaffAccount.Role, passwordHash: String, now: Date = Date()) throws -> StaffAccount {
        try connection.withLock { db in
            try db.immediateTransaction {
                guard try db.first("SELECT 1 FROM businesses WHERE id = ?", [v(businessID)], { _ in true }) != nil else {
                    throw SchedulingError.notFound("business")
                }
                guard username.count <= 64, !username.isEmpty,
                      username.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._@-".unicodeScalars.contains($0)) })
                else { throw SchedulingError.invalid(field: "username", message: "use 1–64 letters, digits, '.', '_', '@' or '-'") }
                guard try db.first("SELECT 1 FROM staff_users WHERE username = ?", [v(username)], { _ in true }) == nil else {
                    throw SchedulingError.invalid(field: "username", message: "is taken")
                }
                try db.run("INSERT INTO staff_users (business_id, username, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)",
                           [v(businessID), v(username), v(passwordHash), v(role.rawValue), v(now.unixSeconds)])
                return StaffAccount(id: db.lastInsertRowID, businessID: businessID, username: username, role: role)
            }
        }
    }

    /// Removes a user and signs out all their sessions. Throws `.notFound("user")`.
    public func removeUser(username: String) throws {
        try connection.withLock { db in
            try db.immediateTransaction {
                guard try db.run("DELETE FROM staff_users WHERE username = ?", [v(username)]) == 1 else { throw SchedulingError.notFound("user") }
            }
        }
    }

    /// Sets a new password hash and signs out every session of the user.
    public func setPassword(username: String, passwordHash: String) throws {
        try connection.withLock { db in
            try db.immediateTransaction {
                guard try db.run("UPDATE staff_users SET password_hash = ? WHERE username = ?", [v(passwordHash), v(username)]) == 1 else {
                    throw SchedulingError.notFound("user")
                }
                try db.run("DELETE FROM staff_sessions WHERE user_id = (SELECT id FROM staff_users WHERE username = ?)", [v(username)])
            }
        }
    }

    public func users(businessID: String? = nil) throws -> [StaffAccount] {
        try connection.withLock { db in
            try db.all("SELECT id, business_id, username, role FROM staff_users WHERE ?1 IS NULL OR business_id = ?1 ORDER BY business_id, username",
                       [v(businessID)], Self.accountRow)
        }
    }

    /// The account and its password hash, for checking a sign-in.
    public func credentials(username: String) throws -> (account: StaffAccount, passwordHash: String)? {
        try connection.withLock { db in
            try db.first("SELECT id, business_id, username, role, password_hash FROM staff_users WHERE username = ?", [v(username)]) {
                (Self.accountRow($0), $0.text(4))
            }
        }
    }

    // MARK: - Sign-in throttling

    /// Failed sign-ins within `window` for this username and for this client address.
    public func recentFailures(username: String, client: String?, since: Date) throws -> (username: Int, client: Int) {
        try connection.withLock { db in
            let byName: Int = try db.first("SELECT count(*) FROM login_attempts WHERE username = ? AND succeeded = 0 AND created_at >= ?",
                                            [v(username), v(since.unixSeconds)], { $0.int(0) }) ?? 0
            let byClient: Int = try client.map { client in
                try db.first("SELECT count(*) FROM login_attempts WHERE client = ? AND succeeded = 0 AND created_at >= ?",
                             [v(client), v(since.unixSeconds)], { $0.int(0) }) ?? 0
            } ?? 0
            return (byName, byClient)
        }
    }

    /// Records an attempt. A success clears the username's earlier failures (the client's stay).
    public func recordAttempt(username: String, client: String?, succeeded: Bool, now: Date = Date()) throws {
        try connection.withLock { db in
            try db.immediateTransaction {
                if succeeded { try db.run("DELETE FROM login_attempts WHERE username = ? AND succeeded = 0", [v(username)]) }
                try db.run("INSERT INTO login_attempts (username, client, succeeded, created_at) VALUES (?, ?, ?, ?)",
                           [v(String(username.prefix(64))), v(client), v(succeeded), v(now.unixSeconds)])
                // Keep the table small: attempts older than a day decide nothing.
                try db.run("DELETE FROM login_attempts WHERE created_at < ?", [v(now.unixSeconds - 86_400)])
            }
        }
    }

    // MARK: - Sessions

    /// Starts a session for `account`; `token` is the cookie's secret (only its hash is kept).
    public func createSession(token: String, csrfToken: String, account: StaffAccount, lifetime: TimeInterval, now: Date = Date()) throws {
        try connection.withLock { db in
            try db.immediateTransaction {
                try db.run("DELETE FROM staff_sessions WHERE expires_at < ?", [v(now.unixSeconds)])
                try db.run("INSERT INTO staff_sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           [v(BusinessRegistry.hash(token)), v(account.id), v(csrfToken), v(now.unixSeconds),
                            v(now.unixSeconds + Int64(lifetime))])
            }
        }
    }

    /// The live session for a cookie's token, or nil (unknown, expired, or its user removed).
    public func session(token: String, now: Date = Date()) throws -> StaffSession? {
        try connection.withLock { db in
            try db.first("""
                SELECT u.id, u.business_id, u.username, u.role, s.csrf_token FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
                WHERE s.token_hash = ? AND s.expires_at > ?
                """, [v(BusinessRegistry.hash(token)), v(now.unixSeconds)]) { StaffSession(account: Self.accountRow($0), csrfToken: $0.text(4)) }
        }
    }

    public func endSession(token: String) throws {
        try connection.withLock { db in
            _ = try db.run("DELETE FROM staff_sessions WHERE token_hash = ?", [v(BusinessRegistry.hash(token))])
        }
    }

    private static func accountRow(_ row: SQLiteRow) -> StaffAccount {
        StaffAccount(id: row.int(0), businessID: row.text(1), username: row.text(2), role: StaffAccount.Role(rawValue: row.text(3)) ?? .staff)
    }
}
