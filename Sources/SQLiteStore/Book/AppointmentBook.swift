import Foundation
import Logging
import Synchronization
import Scheduling

/// The calendar: owns one SQLite file and every invariant of the book.
///
/// One serialized write connection (every write is a `BEGIN IMMEDIATE` transaction that
/// re-checks what it depends on) plus a small pool of read connections. Several processes may
/// open the same file: SQLite's locks, `busy_timeout` and a retry on `SQLITE_BUSY` keep them
/// correct, and the schema's constraints and triggers back every rule.
///
/// Methods are synchronous and fast; async callers call them directly.
public final class AppointmentBook: Sendable {
    public let path: String
    /// The file opened; every write first checks that the path still names it.
    private let file: DatabaseFile
    let logger: Logger
    private let writer: Mutex<SQLiteConnection>
    private let readers: Mutex<[SQLiteConnection]>
    private let cachedSchedule: Mutex<(revision: Int64, schedule: CompiledSchedule)?> = Mutex(nil)
    /// Booked intervals per provider, valid while the provider's `busy_revisions` row is unchanged.
    let cachedBusy = Mutex<[String: CachedBusy]>([:])

    /// Opens (creating the file and its directory if needed), applies pragmas, runs migrations.
    public init(path: String, logger: Logger = Logger(label: "frontdesk.scheduling")) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let connection = try SQLiteConnection(path: path)
        try SchemaMigrations.migrate(connection)
        self.file = try DatabaseFile(path: path)
        self.path = path
        self.logger = logger
        writer = Mutex(connection)
        readers = Mutex([])
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction on the write connection; throwing rolls
    /// everything back.
    /// Refused with `.storageReplaced` once the file at `path` is no longer the one opened.
    func write<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try file.verify()
        return try writer.withLock { connection in
            try connection.immediateTransaction { try body(connection) }
        }
    }

    /// Runs `body` in one read snapshot on a pooled read connection.
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let connection = try readers.withLock { $0.popLast() } ?? SQLiteConnection(path: path)
        defer {
            readers.withLock { pool in
                if pool.count < 4 { pool.append(connection) }
            }
        }
        return try connection.readTransaction { try body(connection) }
    }

    /// Throws `.storageReplaced` when the file at `path` was renamed, deleted or replaced since
    /// it was opened (what `/health` reports), or the SQLite error when it cannot be read.
    public func checkStorage() throws {
        try file.verify()
        _ = try isEmpty()
    }

    /// True when the file has no business profile, no patients and no appointments.
    public func isEmpty() throws -> Bool {
        try read { db in
            try db.first("""
                SELECT NOT EXISTS (SELECT 1 FROM business) AND NOT EXISTS (SELECT 1 FROM patients)
                   AND NOT EXISTS (SELECT 1 FROM appointments)
                """) { $0.bool(0) } ?? true
        }
    }

    /// The compiled configuration, reloaded only when an import has bumped the revision.
    func schedule(_ db: SQLiteConnection) throws -> CompiledSchedule {
        guard let revision: Int64 = try db.first("SELECT config_revision FROM business WHERE id = 1", [], { $0.int(0) }) else {
            throw SchedulingError.notFound("business profile")
        }
        if let cached = cachedSchedule.withLock({ $0 }), cached.revision == revision { return cached.schedule }
        let compiled = try CompiledSchedule(try Self.loadProfile(db))
        cachedSchedule.withLock { $0 = (revision, compiled) }
        return compiled
    }

    /// The availability engine for the current configuration.
    public func engine() throws -> AvailabilityEngine {
        try read { db in AvailabilityEngine(schedule: try schedule(db)) }
    }
}

extension Date {
    var unixSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
    init(unixSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(unixSeconds)) }
}
