import CoreMetrics
import Metrics
import CSQLite
import Foundation
import Scheduling

/// One open SQLite connection: the thin layer of our own over the C API.
///
/// A connection is not thread-safe; `AppointmentBook` only touches one while holding the
/// mutex that owns it. That is why it is `@unchecked Sendable`: it is moved between threads,
/// never shared between them.
final class SQLiteConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (creating if needed) the file and applies the pragmas every connection must have.
    ///
    /// `synchronous=FULL` by default because a booking the assistant has said aloud must survive
    /// power loss; the call log passes `.normal` (in WAL mode a commit then never waits for
    /// fsync, and a crash can lose only the last transcript lines, never corrupt the file).
    /// `busy_timeout` lets concurrent writers (other threads or processes) queue on the lock
    /// instead of failing at once.
    init(path: String, busyTimeoutMilliseconds: Int32 = 10_000, synchronous: Synchronous = .full) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        let registered = frontdesk_register_fts5_functions(db)
        guard registered == SQLITE_OK else {
            sqlite3_close_v2(db)
            throw SQLiteError(code: registered, message: "cannot register FTS5 functions")
        }
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA synchronous = \(synchronous.rawValue)")
        // Switching to WAL needs a write lock; a fresh file opened by several processes at
        // once may see SQLITE_BUSY here beyond the busy handler, so retry like a write.
        try Self.retryingBusy { try self.execute("PRAGMA journal_mode = WAL") }
    }

    enum Synchronous: String { case full = "FULL", normal = "NORMAL" }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message)
        }
    }

    /// Runs a statement with bound values, calling `row` for each result row.
    func query(_ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteRow) throws -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in values.enumerated() {
            try check(value.bind(to: statement, at: Int32(index + 1)))
        }
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw SQLiteError(code: rc, message: lastErrorMessage) }
            try row(SQLiteRow(statement: statement))
        }
    }

    /// Runs a statement for its effect; returns the number of rows changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int {
        try query(sql, values) { _ in }
        return Int(sqlite3_changes(handle))
    }

    /// All rows mapped by `transform`.
    func all<T>(_ sql: String, _ values: [SQLiteValue] = [], _ transform: (SQLiteRow) throws -> T) throws -> [T] {
        var result: [T] = []
        try query(sql, values) { result.append(try transform($0)) }
        return result
    }

    /// The first row mapped by `transform`, or nil.
    func first<T>(_ sql: String, _ values: [SQLiteValue] = [], _ transform: (SQLiteRow) throws -> T) throws -> T? {
        var result: T?
        try query(sql, values) { row in
            if result == nil { result = try transform(row) }
        }
        return result
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so a
    /// check made inside the transaction (say, "is this slot still free?") cannot be invalidated
    /// by another writer before the commit. Busy errors the busy handler did not absorb (BEGIN
    /// or COMMIT racing a checkpoint or another process) are retried with a short backoff.
    func immediateTransaction<T>(_ body: () throws -> T) throws -> T {
        try Self.retryingBusy {
            try execute("BEGIN IMMEDIATE")
            do {
                let result = try body()
                try execute("COMMIT")
                return result
            } catch {
                // A failed COMMIT may already have ended the transaction; ROLLBACK then errors.
                if sqlite3_get_autocommit(handle) == 0 { try? execute("ROLLBACK") }
                throw error
            }
        }
    }

    /// Runs `body` in a deferred (read) transaction so several reads see one snapshot.
    func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try Self.retryingBusy {
            try execute("BEGIN")
            defer { if sqlite3_get_autocommit(handle) == 0 { try? execute("ROLLBACK") } }
            return try body()
        }
    }

    static func retryingBusy<T>(attempts: Int = 50, _ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as SQLiteError where error.isBusy && attempt < attempts {
                attempt += 1
                busyWaits.increment()
                usleep(UInt32(min(attempt, 20)) * 5_000 + UInt32.random(in: 0..<5_000))
            }
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw SQLiteError(code: rc, message: lastErrorMessage) }
        statements[sql] = statement
        return statement
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: lastErrorMessage) }
    }

    private var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

/// Each time a statement found the file locked by another writer and waited to try again.
private let busyWaits = Counter(label: "frontdesk_sqlite_busy_waits_total")

