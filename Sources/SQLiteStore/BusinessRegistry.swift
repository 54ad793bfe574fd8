import Crypto
import Foundation
import Reception
import Scheduling
import Synchronization

/// The businesses this server answers for, their numbers and API keys: three tables in the
/// server's own database file (the home business's calendar), created in place on first open
/// so an existing single-business file keeps working as the business `default`.
///
/// Each other business has a calendar file of its own, under `businesses/` next to it: its
/// bookings, patients and calls can be backed up, moved or deleted without touching anyone
/// else's, and no query can reach across businesses because no connection spans two files.
public final class BusinessRegistry: Sendable {
    /// The home business, whose calendar is the server's own database file.
    public static let homeBusinessID = "default"

    public let homePath: String
    private let connection: Mutex<SQLiteConnection>

    public init(homePath: String) throws {
        let directory = URL(fileURLWithPath: homePath).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let connection = try SQLiteConnection(path: homePath)
        try connection.immediateTransaction {
            try connection.execute(Self.schema)
            try connection.run("INSERT OR IGNORE INTO businesses (id, created_at) VALUES (?, ?)",
                               [v(Self.homeBusinessID), v(Date().unixSeconds)])
        }
        self.homePath = homePath
        self.connection = Mutex(connection)
    }

    /// Registry tables, kept apart from the calendar's numbered migrations: they exist only in
    /// the home file. `IF NOT EXISTS` makes creating them idempotent.
    private static let schema = """
        CREATE TABLE IF NOT EXISTS businesses (
            id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 40 AND id NOT GLOB '*[^a-z0-9-]*'),
            database_path TEXT UNIQUE,
            personas_dir TEXT,
            default_persona TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS business_numbers (
            number TEXT PRIMARY KEY CHECK (number GLOB '+[1-9]*'),
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            persona TEXT
        );
        CREATE TABLE IF NOT EXISTS api_keys (
            id INTEGER PRIMARY KEY,
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            key_hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            label TEXT,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        );
        """

    // MARK: - Reads

    /// Everything a request needs to resolve its business, in one read.
    public func directory() throws -> BusinessDirectory {
        try connection.withLock { db in
            try db.readTransaction {
                let businesses = try db.all("SELECT id, default_persona, personas_dir, database_path FROM businesses") {
                    BusinessDirectory.Business(id: $0.text(0), defaultPersona: $0.optionalText(1), personasDirectory: $0.optionalText(2),
                                               databasePath: $0.optionalText(3))
                }
                var numbers: [String: BusinessDirectory.Number] = [:]
                try db.query("SELECT number, business_id, persona FROM business_numbers") {
                    numbers[$0.text(0)] = BusinessDirectory.Number(businessID: $0.text(1), persona: $0.optionalText(2))
                }
                var keys: [String: BusinessDirectory.Key] = [:]
                try db.query("SELECT key_hash, business_id, id FROM api_keys WHERE revoked_at IS NULL") {
                    keys[$0.text(0)] = BusinessDirectory.Key(businessID: $0.text(1), id: $0.int(2))
                }
                return BusinessDirectory(businesses: Dictionary(uniqueKeysWithValues: businesses.map { ($0.id, $0) }),
                                         numbers: numbers, keys: keys)
            }
        }
    }

    /// The calendar file of `business`: the home file, or `businesses/<id>.sqlite` beside it.
    public func databasePath(of business: BusinessDirectory.Business) -> String {
        business.databasePath ?? (business.id == Self.homeBusinessID ? homePath : Self.defaultPath(business.id, home: homePath))
    }

    static func defaultPath(_ id: String, home: String) -> String {
        URL(fileURLWithPath: home).deletingLastPathComponent().appendingPathComponent("businesses/\(id).sqlite").path
    }

    /// Keys of a business (never the keys themselves: only their first characters).
    public func keys(of businessID: String) throws -> [(prefix: String, label: String?, revoked: Bool)] {
        try connection.withLock { db in
            try db.all("SELECT prefix, label, revoked_at IS NOT NULL FROM api_keys WHERE business_id = ? ORDER BY id",
                       [v(businessID)]) { ($0.text(0), $0.optionalText(1), $0.bool(2)) }
        }
    }

    // MARK: - Writes

    /// Registers a business with a calendar file of its own (created empty; import a profile
    /// into it next). Throws `.invalid` for a bad id and for one already taken.
    public func addBusiness(id: String, personasDirectory: String? = nil, defaultPersona: String? = nil) throws -> BusinessDirectory.Business {
        guard (1...40).contains(id.count), id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw SchedulingError.invalid(field: "id", message: "use 1–40 lowercase letters, digits and hyphens")
        }
        let business = BusinessDirectory.Business(id: id, defaultPersona: defaultPersona, personasDirectory: personasDirectory,
                                                  databasePath: Self.defaultPath(id, home: homePath))
        try write { db in
            guard try db.first("SELECT 1 FROM businesses WHERE id = ?", [v(id)], { _ in true }) == nil else {
                throw SchedulingError.invalid(field: "id", message: "a business '\(id)' already exists")
            }
            try db.run("INSERT INTO businesses (id, database_path, personas_dir, default_persona, created_at) VALUES (?, ?, ?, ?, ?)",
                       [v(id), v(business.databasePath), v(personasDirectory), v(defaultPersona), v(Date().unixSeconds)])
        }
        return business
    }

    /// Removes a business from the registry with its numbers and keys. Its calendar file is
    /// left on disk (delete it for privacy once it is backed up). The home business stays.
    public func removeBusiness(id: String) throws {
        guard id != Self.homeBusinessID else {
            throw SchedulingError.invalid(field: "id", message: "the home business lives in the server's own database file and cannot be removed")
        }
        try write { db in
            try db.run("DELETE FROM api_keys WHERE business_id = ?", [v(id)])
            try db.run("DELETE FROM business_numbers WHERE business_id = ?", [v(id)])
            guard try db.run("DELETE FROM businesses WHERE id = ?", [v(id)]) == 1 else { throw SchedulingError.notFound("business") }
        }
    }

    /// Gives `number` (any common format; stored as E.164) to a business, optionally with the
    /// persona it answers with. A number belongs to one business at a time.
    public func addNumber(_ raw: String, business: String, persona: String? = nil) throws -> String {
        guard let number = PhoneNumber(raw) else { throw SchedulingError.invalid(field: "number", message: "not a valid phone number") }
        try write { db in
            guard try db.first("SELECT 1 FROM businesses WHERE id = ?", [v(business)], { _ in true }) != nil else {
                throw SchedulingError.notFound("business")
            }
            if let owner: String = try db.first("SELECT business_id FROM business_numbers WHERE number = ?", [v(number.e164)], { $0.text(0) }),
               owner != business {
                throw SchedulingError.invalid(field: "number", message: "already belongs to business '\(owner)'")
            }
            try db.run("INSERT OR REPLACE INTO business_numbers (number, business_id, persona) VALUES (?, ?, ?)",
                       [v(number.e164), v(business), v(persona)])
        }
        return number.e164
    }

    public func removeNumber(_ raw: String) throws {
        guard let number = PhoneNumber(raw) else { throw SchedulingError.invalid(field: "number", message: "not a valid phone number") }
        try write { db in
            guard try db.run("DELETE FROM business_numbers WHERE number = ?", [v(number.e164)]) == 1 else {
                throw SchedulingError.notFound("number")
            }
        }
    }

    /// Creates an API key for `business` and returns it: the only time it is shown. Only its
    /// SHA-256 and its first characters are stored.
    public func createKey(business: String, label: String? = nil) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
        let key = "fdk_" + secret
        try write { db in
            guard try db.first("SELECT 1 FROM businesses WHERE id = ?", [v(business)], { _ in true }) != nil else {
                throw SchedulingError.notFound("business")
            }
            try db.run("INSERT INTO api_keys (business_id, key_hash, prefix, label, created_at) VALUES (?, ?, ?, ?, ?)",
                       [v(business), v(Self.hash(key)), v(String(key.prefix(12))), v(label), v(Date().unixSeconds)])
        }
        return key
    }

    /// Revokes the business's key that starts with `prefix` (at least 8 characters). Throws
    /// `.notFound` when none or several match.
    public func revokeKey(business: String, prefix: String) throws {
        guard prefix.count >= 8 else { throw SchedulingError.invalid(field: "prefix", message: "give at least 8 characters of the key") }
        try write { db in
            let matches = try db.all("""
                SELECT id FROM api_keys WHERE business_id = ? AND revoked_at IS NULL AND substr(prefix, 1, min(length(?2), 12)) = substr(?2, 1, 12)
                """, [v(business), v(prefix)]) { $0.int(0) as Int64 }
            guard matches.count == 1 else { throw SchedulingError.notFound("key") }
            try db.run("UPDATE api_keys SET revoked_at = ? WHERE id = ?", [v(Date().unixSeconds), v(matches[0])])
        }
    }

    /// The hex SHA-256 of a key: what is stored and compared. Keys are 256 random bits, so a
    /// fast hash is enough; a slow KDF is for passwords people choose.
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private func write<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try connection.withLock { db in try db.immediateTransaction { try body(db) } }
    }
}
