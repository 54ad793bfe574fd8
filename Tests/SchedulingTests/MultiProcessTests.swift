import CSQLite
import Foundation
import SQLiteStore
import Reception
import Scheduling
import Synchronization
import Testing

/// S1 and S6: several writers, in threads and in separate processes, on one SQLite file.
@Suite(.serialized) struct MultiProcessTests {
    /// S1: 50 concurrent attempts at one slot — 20 threads here, 30 in 5 other processes —
    /// book it exactly once; every other writer hears `slot_unavailable` with alternatives.
    @Test func fiftyConcurrentWritersAcrossProcessesBookTheSlotOnce() async throws {
        let book = try TestBook.make()
        let patients = try (0..<50).map { try TestBook.patient(book, $0).id }
        let start = TestBook.local("2026-03-03", "10:00")
        let spec = WorkerSpec(mode: .race, path: book.path, threads: 6, patientIDs: Array(patients[20...]), provider: "alice",
                              start: start, now: TestBook.now)
        let children = try (0..<5).map { _ in try WorkerProcess.Child(spec) }
        for line in await Blocking.run({ children.map { $0.readProtocolLine() } }) { #expect(line == "READY") }
        let local = try (0..<20).map { _ in try AppointmentBook(path: book.path) }

        // When everyone is released at once
        for child in children { child.send("go") }
        let results = await Blocking.run { () -> [String] in
            var results = ConcurrentRun.threads(20) { index in
                WorkerProcess.attempt(book: local[index], patient: patients[index], provider: "alice", start: start, now: TestBook.now)
            }
            for child in children {
                while let line = child.readProtocolLine() { results.append(String(line.dropFirst("RESULT ".count))) }
                child.process.waitUntilExit()
            }
            return results
        }

        // Then exactly one booked, and all 49 others were told the slot is gone, with alternatives
        #expect(results.count == 50)
        #expect(results.filter { $0.hasPrefix("ok ") }.count == 1, "\(results)")
        #expect(results.filter { $0.hasPrefix("slot_unavailable ") && $0 != "slot_unavailable 0" }.count == 49, "\(results)")
        let booked = try book.listAppointments(date: LocalDate("2026-03-03"), provider: "alice")
        #expect(booked.count == 1)
        #expect(booked.first?.start == start)
    }

    /// S6: writers killed with SIGKILL mid-load lose nothing they confirmed, and the file is intact.
    @Test func killNineDuringALoadKeepsEveryConfirmedBooking() async throws {
        let book = try TestBook.make()
        let patients = try (0..<10).map { try TestBook.patient(book, $0).id }
        let spec = WorkerSpec(mode: .load, path: book.path, patientIDs: patients, now: TestBook.now)
        let children = try (0..<2).map { _ in try WorkerProcess.Child(spec) }
        for line in await Blocking.run({ children.map { $0.readProtocolLine() } }) { #expect(line == "READY") }

        // Given two processes booking as fast as they can, each read by its own thread (a
        // child whose turn in the race is slow must not stall the reading of the other)
        let confirmed = Mutex<Set<Int64>>([])
        let exits = await Blocking.run { () -> [(reason: Process.TerminationReason, status: Int32)] in
            let readers = DispatchGroup()
            for child in children {
                readers.enter()
                Thread {
                    while let line = child.readProtocolLine() {
                        if line.hasPrefix("CONFIRMED "), let id = Int64(line.dropFirst("CONFIRMED ".count)) {
                            confirmed.withLock { _ = $0.insert(id) }
                        }
                    }
                    readers.leave()
                }.start()
            }
            let deadline = Date().addingTimeInterval(60)
            while confirmed.withLock({ $0.count }) < 40, Date() < deadline { usleep(2_000) }
            // When both are killed without warning, mid-transaction as likely as not
            for child in children { child.kill9() }
            // Lines already written before the kill still count as confirmed: read to end of file.
            readers.wait()
            return children.map { child in
                child.process.waitUntilExit()
                return (child.process.terminationReason, child.process.terminationStatus)
            }
        }
        for exit in exits { #expect(exit.reason == .uncaughtSignal, "status \(exit.status)") }
        let ids = confirmed.withLock { $0 }

        // Then every confirmed booking is there, none overlap, and the file checks out
        #expect(ids.count >= 40)
        let reopened = try AppointmentBook(path: book.path)
        let all = try reopened.listAppointments()
        let stored = Set(all.map(\.id))
        #expect(ids.isSubset(of: stored), "missing \(ids.subtracting(stored))")
        #expect(integrityCheck(book.path) == "ok")
        for (a, b) in zip(all, all.dropFirst()) where a.providerName == b.providerName {
            #expect(a.end <= b.start || a.start >= b.end)
        }
        // and every stored booking has exactly one outbox event and one audit row, and there is
        // none for a booking that did not commit: the kill could not split them
        let events = try reopened.outboxEvents(limit: 100_000)
        let audit = try reopened.changeAudit()
        #expect(events.count == all.count)
        #expect(audit.count == all.count)
        #expect(Set(events.compactMap(\.appointmentID)) == stored)
        #expect(Set(audit.compactMap(\.appointmentID)) == stored)
        #expect(events.allSatisfy { $0.type == "booking.created" })
    }

    func integrityCheck(_ path: String) -> String {
        var db: OpaquePointer?
        sqlite3_open(path, &db)
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { return "no result" }
        return String(cString: sqlite3_column_text(statement, 0))
    }

    /// The same race among threads of one process, each with its own connection.
    @Test func concurrentWritersInOneProcessBookTheSlotOnce() throws {
        let book = try TestBook.make()
        let patients = try (0..<50).map { try TestBook.patient(book, $0).id }
        let books = try (0..<10).map { _ in try AppointmentBook(path: book.path) } + [book]
        let start = TestBook.local("2026-03-04", "14:00")
        let results = ConcurrentRun.threads(50) { index in
            WorkerProcess.attempt(book: books[index % books.count], patient: patients[index], provider: "bob", start: start, now: TestBook.now)
        }
        #expect(results.filter { $0.hasPrefix("ok ") }.count == 1)
        #expect(results.filter { $0.hasPrefix("slot_unavailable ") }.count == 49)
    }
}
