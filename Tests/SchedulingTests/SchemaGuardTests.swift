import CSQLite
import Foundation
import SQLiteStore
import Reception
import Scheduling
import Testing

/// The constraints behind the code: even a writer that bypasses `AppointmentBook` cannot
/// double-book, store an empty interval, or edit the audit trail.
@Suite struct SchemaGuardTests {
    /// Runs raw SQL on its own connection, as a buggy or foreign writer would.
    func rawExec(_ path: String, _ sql: String) -> (code: Int32, message: String) {
        var db: OpaquePointer?
        sqlite3_open(path, &db)
        defer { sqlite3_close(db) }
        sqlite3_exec(db, "PRAGMA foreign_keys = ON", nil, nil, nil)
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &error)
        defer { sqlite3_free(error) }
        return (rc, error.map { String(cString: $0) } ?? "")
    }

    @Test func theTriggerRefusesAnOverlappingBookedAppointment() throws {
        let book = try TestBook.make()
        let patient = try TestBook.patient(book)
        let booked = try book.book(BookingRequest(patientID: patient.id, serviceID: "cleaning", providerID: "alice",
                                                  start: TestBook.local("2026-03-03", "10:00")), now: TestBook.now)
        let start = Int64(booked.start.timeIntervalSince1970)
        // Starts inside the 15-minute buffer after the cleaning.
        let result = rawExec(book.path, """
            INSERT INTO appointments (patient_id, provider_id, service_id, location_id, start_utc, end_utc, block_start_utc, block_end_utc, created_at, updated_at)
            VALUES (\(patient.id), 'alice', 'checkup', 'main', \(start + 3900), \(start + 5700), \(start + 3900), \(start + 5700), 0, 0)
            """)
        #expect(result.code == SQLITE_CONSTRAINT)
        #expect(result.message.contains("overlapping"))
        // Reviving a cancelled overlapping appointment is caught too.
        let cancelled = rawExec(book.path, """
            INSERT INTO appointments (patient_id, provider_id, service_id, location_id, start_utc, end_utc, block_start_utc, block_end_utc, status, created_at, updated_at)
            VALUES (\(patient.id), 'alice', 'checkup', 'main', \(start), \(start + 1800), \(start), \(start + 1800), 'cancelled', 0, 0)
            """)
        #expect(cancelled.code == SQLITE_OK)
        #expect(rawExec(book.path, "UPDATE appointments SET status = 'booked' WHERE status = 'cancelled'").code == SQLITE_CONSTRAINT)
    }

    @Test func checksRefuseEmptyIntervalsAndUnknownStatuses() throws {
        let book = try TestBook.make()
        let patient = try TestBook.patient(book)
        #expect(rawExec(book.path, """
            INSERT INTO appointments (patient_id, provider_id, service_id, location_id, start_utc, end_utc, block_start_utc, block_end_utc, created_at, updated_at)
            VALUES (\(patient.id), 'alice', 'checkup', 'main', 100, 100, 100, 100, 0, 0)
            """).code == SQLITE_CONSTRAINT)
        #expect(rawExec(book.path, """
            INSERT INTO appointments (patient_id, provider_id, service_id, location_id, start_utc, end_utc, block_start_utc, block_end_utc, status, created_at, updated_at)
            VALUES (\(patient.id), 'alice', 'checkup', 'main', 100, 200, 100, 200, 'maybe', 0, 0)
            """).code == SQLITE_CONSTRAINT)
        #expect(rawExec(book.path, """
            INSERT INTO appointments (patient_id, provider_id, service_id, location_id, start_utc, end_utc, block_start_utc, block_end_utc, created_at, updated_at)
            VALUES (424242, 'alice', 'checkup', 'main', 100, 200, 100, 200, 0, 0)
            """).code == SQLITE_CONSTRAINT)
    }

    @Test func theAuditTrailIsAppendOnly() throws {
        let book = try TestBook.make()
        let entry = AuditEntry(conversationID: "c1", toolCallID: "call_1", toolName: "book_appointment",
                               arguments: #"{"phone":"[redacted]"}"#, outcome: "ok", durationMilliseconds: 12, createdAt: TestBook.now)
        try book.appendAudit(entry)
        #expect(try book.auditEntries(conversationID: "c1") == [entry])
        #expect(rawExec(book.path, "UPDATE tool_audit SET outcome = 'error'").message.contains("append-only"))
        #expect(rawExec(book.path, "DELETE FROM tool_audit").message.contains("append-only"))
        #expect(try book.auditEntries(conversationID: "c1") == [entry])
    }

    @Test func pragmasAreSetOnTheFile() throws {
        let book = try TestBook.make()
        var db: OpaquePointer?
        sqlite3_open(book.path, &db)
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nil)
        sqlite3_step(statement)
        #expect(String(cString: sqlite3_column_text(statement, 0)) == "wal")
        sqlite3_finalize(statement)
    }

    @Test func reopeningAnExistingFileKeepsItsData() throws {
        let book = try TestBook.make()
        let patient = try TestBook.patient(book)
        let reopened = try AppointmentBook(path: book.path)
        #expect(try reopened.patient(id: patient.id) == patient)
        #expect(try !reopened.isEmpty())
    }
}
