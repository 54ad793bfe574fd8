import Agent
import ArgumentParser
import CSQLite
import Foundation
import Logging
import OpenAIWire
import Reception
import SQLiteStore
import Scheduling
import Synchronization

/// `frontdesk-bench calendar`: a generated calendar (providers × days × appointments), then
/// `find_available_slots` through the real agent tool for a mix of typical questions, then
/// booking by several writers at once, each with its own `AppointmentBook` (its own SQLite
/// connections, as separate processes would have), and a count of overlapping bookings.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "find_available_slots latency on a big generated calendar; concurrent booking throughput and double bookings."
    )

    @Option(help: "SQLite file to create (must not exist).")
    var db: String

    @Option var providers: Int = 20
    @Option var days: Int = 90
    @Option var appointments: Int = 20_000

    @Option(help: "find_available_slots calls (after 50 unrecorded warm-up calls).")
    var queries: Int = 2_000

    @Option(help: "Concurrent booking threads, each with its own AppointmentBook.")
    var writers: Int = 8

    @Option(name: .customLong("booking-seconds"), help: "How long the writers book.")
    var bookingSeconds: Double = 5

    @Option(name: .customLong("booking-days"), help: "Writers pick among the free 30-minute slots of the next N working days.")
    var bookingDays: Int = 40

    @Option(help: "Write the results here as JSON.")
    var out: String

    struct QueryResult: Codable {
        var name: String
        var arguments: String
        var latency: Percentiles?
        var slotsReturned: Int
    }

    struct Output: Codable {
        var providers: Int
        var days: Int
        var appointmentsGenerated: Int
        var generateSeconds: Double
        var queries: Int
        var findAvailableSlots: Percentiles?
        var perQuery: [QueryResult]
        var queryFailures: Int
        var writers: Int
        var bookingSeconds: Double
        var bookingAttempts: Int
        var bookingsMade: Int
        var bookingsRefusedTaken: Int
        /// Refused because the randomly drawn patient was already booked at that time: a right
        /// answer too (no patient in two places at once), not an error.
        var bookingsRefusedPatientBusy: Int
        var bookingErrors: [String: Int]
        var bookingsPerSecond: Double
        var attemptsPerSecond: Double
        var bookingLatency: Percentiles?
        var doubleBookings: Int
    }

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: db) else { throw ValidationError("\(db) exists; give a new path") }
        var logger = Logger(label: "frontdesk-bench")
        logger.logLevel = .warning
        let now = Date()

        // Given a generated calendar
        let generateStart = ContinuousClock.now
        let book = try AppointmentBook(path: db, logger: logger)
        let summary = try CalendarGenerator.fill(book, providers: providers, days: days, appointments: appointments, now: now)
        let generateSeconds = (ContinuousClock.now - generateStart).seconds
        log("generated \(summary.appointments) appointments for \(providers) providers over \(days) days in \(String(format: "%.1f", generateSeconds)) s")

        // When the assistant asks typical availability questions through the real tool
        let clock = ZonedClock(identifier: CalendarGenerator.profile(providers: providers).business.timeZone)!
        let today = clock.local(now).date
        let p = summary.providerIDs
        func date(_ offset: Int) -> String { "\"\(today.adding(days: offset))\"" }
        func args(service: String, provider: String?, from: String?, to: String?, time: String?, limit: Int?) -> String {
            func opt(_ s: String?) -> String { s.map { $0.hasPrefix("\"") ? $0 : "\"\($0)\"" } ?? "null" }
            return "{\"service_id\":\"\(service)\",\"provider_id\":\(opt(provider)),\"location_id\":null,\"from_date\":\(from ?? "null"),"
                + "\"to_date\":\(to ?? "null"),\"time_of_day\":\(opt(time)),\"limit\":\(limit.map(String.init) ?? "null")}"
        }
        let mix: [(String, String)] = [
            ("soonest, anyone", args(service: "visit30", provider: nil, from: nil, to: nil, time: nil, limit: nil)),
            ("one provider, mornings", args(service: "visit30", provider: p[min(6, p.count - 1)], from: nil, to: nil, time: "morning", limit: nil)),
            ("long visit, afternoons in 1–3 weeks", args(service: "visit60", provider: nil, from: date(7), to: date(21), time: "afternoon", limit: 3)),
            ("one provider, after 3pm in 1–2 months", args(service: "visit30", provider: p[min(12, p.count - 1)], from: date(30), to: date(60), time: "after 3pm", limit: 3)),
            ("long visit, between 1 and 3pm, end of range", args(service: "visit60", provider: nil, from: date(days - 14), to: date(days), time: "between 1 and 3pm", limit: 5)),
        ]
        // Through the real tool, use-case layer and store threads: what a caller's turn pays.
        let tool = FindAvailableSlotsTool(desk: FrontDesk(store: SQLiteFrontDeskStore(book: book), logger: logger))
        let parsed = try mix.map { ($0.0, $0.1, try JSONValue(parsing: $0.1)) }
        var perQuery = Array(repeating: [Int64](), count: parsed.count)
        var slotsReturned = Array(repeating: 0, count: parsed.count)
        var failures = 0
        for i in 0..<(50 + queries) {
            let which = i % parsed.count
            let context = ToolContext(conversationID: "bench-\(i)", callerNumber: nil, now: Date(), logger: logger)
            let start = ContinuousClock.now
            let answer: JSONValue
            do {
                answer = try await tool.run(arguments: parsed[which].2, context: context)
            } catch {
                failures += 1
                if failures == 1 { log("find_available_slots failed: \(error) for \(parsed[which].1)") }
                continue
            }
            let elapsed = ContinuousClock.now - start
            guard i >= 50 else { continue }
            perQuery[which].append(elapsed.nanoseconds)
            if case .object(let object) = answer, case .array(let slots)? = object["slots"] {
                slotsReturned[which] = slots.count
            }
        }
        let overall = Percentiles(nanoseconds: perQuery.flatMap { $0 })
        log("find_available_slots: p50 \(fmt(overall?.p50)) ms, p99 \(fmt(overall?.p99)) ms over \(overall?.count ?? 0) calls")

        // And several writers book at once
        let booking = try runWriters(clock: clock, today: today, summary: summary, logger: logger)
        log("booking: \(booking.made) made, \(booking.taken) refused (taken), \(booking.errors) in \(String(format: "%.1f", booking.seconds)) s")

        // Then no provider has two overlapping booked appointments
        let doubles = try countOverlaps(path: db)
        log("double bookings: \(doubles)")

        let output = Output(
            providers: providers, days: days, appointmentsGenerated: summary.appointments, generateSeconds: generateSeconds,
            queries: overall?.count ?? 0, findAvailableSlots: overall,
            perQuery: parsed.indices.map { QueryResult(name: parsed[$0].0, arguments: parsed[$0].1,
                                                        latency: Percentiles(nanoseconds: perQuery[$0]), slotsReturned: slotsReturned[$0]) },
            queryFailures: failures, writers: writers, bookingSeconds: booking.seconds, bookingAttempts: booking.attempts,
            bookingsMade: booking.made, bookingsRefusedTaken: booking.taken, bookingsRefusedPatientBusy: booking.patientBusy,
            bookingErrors: booking.errors,
            bookingsPerSecond: Double(booking.made) / booking.seconds, attemptsPerSecond: Double(booking.attempts) / booking.seconds,
            bookingLatency: Percentiles(nanoseconds: booking.latencies), doubleBookings: doubles)
        try writeJSON(output, to: out)
    }

    struct BookingTotals: Sendable {
        var attempts = 0
        var made = 0
        var taken = 0
        var patientBusy = 0
        var errors: [String: Int] = [:]
        var latencies: [Int64] = []
        var seconds = 0.0
    }

    /// `writers` OS threads (not tasks: the cooperative pool has one thread per core, which would
    /// quietly cap the writers at two here) book random slots for `bookingSeconds`. They all draw
    /// from the same list of slots that were free at the start, so most attempts can succeed
    /// while writers regularly race for the same slot (the case double booking would come from).
    func runWriters(clock: ZonedClock, today: LocalDate, summary: CalendarGenerator.Summary, logger: Logger) throws -> BookingTotals {
        let workDays = (1...max(1, bookingDays * 2)).map { today.adding(days: $0) }
            .filter { ![.saturday, .sunday].contains($0.weekday) }.prefix(bookingDays)
        let starts = Array(stride(from: 480, to: 720, by: 30)) + Array(stride(from: 780, to: 1080, by: 30))
        let taken = try bookedStarts(path: db)
        let candidates: [(String, Date)] = workDays.flatMap { day in
            summary.providerIDs.flatMap { provider in
                starts.compactMap { minute -> (String, Date)? in
                    guard let start = clock.date(day, minutes: minute),
                          !taken.contains("\(provider) \(Int64(start.timeIntervalSince1970))") else { return nil }
                    return (provider, start)
                }
            }
        }
        log("booking: \(candidates.count) free 30-minute slots in the next \(workDays.count) working days")
        let books = try (0..<max(1, writers)).map { _ in try AppointmentBook(path: db, logger: logger) }
        let results = Collected()
        let done = DispatchSemaphore(value: 0)
        let startGate = DispatchSemaphore(value: 0)
        let seconds = bookingSeconds
        let patients = summary.patients
        for (index, book) in books.enumerated() {
            let thread = Thread {
                var random = SystemRandomNumberGenerator()
                var totals = BookingTotals()
                startGate.wait()
                let deadline = ContinuousClock.now + .nanoseconds(Int64(seconds * 1e9))
                var n = 0
                while ContinuousClock.now < deadline {
                    let (provider, start) = candidates.randomElement(using: &random)!
                    let request = BookingRequest(
                        patientID: Int64.random(in: 1...Int64(patients), using: &random), serviceID: "visit30", providerID: provider,
                        locationID: nil, start: start, notes: nil, conversationID: "bench-writer-\(index)-\(n)", idempotencyKey: nil)
                    n += 1
                    totals.attempts += 1
                    let began = ContinuousClock.now
                    do {
                        _ = try book.book(request, now: Date())
                        totals.made += 1
                    } catch SchedulingError.slotUnavailable {
                        totals.taken += 1
                    } catch SchedulingError.patientBusy {
                        totals.patientBusy += 1
                    } catch {
                        totals.errors["\(error)", default: 0] += 1
                    }
                    totals.latencies.append((ContinuousClock.now - began).nanoseconds)
                }
                results.totals.withLock { $0.append(totals) }
                done.signal()
            }
            thread.start()
        }
        let began = ContinuousClock.now
        for _ in books { startGate.signal() }
        for _ in books { done.wait() }
        var all = BookingTotals()
        all.seconds = (ContinuousClock.now - began).seconds
        for totals in results.totals.withLock({ $0 }) {
            all.attempts += totals.attempts
            all.made += totals.made
            all.taken += totals.taken
            all.patientBusy += totals.patientBusy
            all.latencies += totals.latencies
            for (reason, count) in totals.errors { all.errors[reason, default: 0] += count }
        }
        return all
    }

    /// "provider start_utc" of every booked appointment.
    func bookedStarts(path: String) throws -> Set<String> {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let handle else {
            throw ValidationError("cannot open \(path)")
        }
        defer { sqlite3_close(handle) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "SELECT provider_id, start_utc FROM appointments WHERE status = 'booked'", -1, &statement, nil)
            == SQLITE_OK else { throw ValidationError("query failed: \(String(cString: sqlite3_errmsg(handle)))") }
        defer { sqlite3_finalize(statement) }
        var result = Set<String>()
        while sqlite3_step(statement) == SQLITE_ROW {
            result.insert("\(String(cString: sqlite3_column_text(statement, 0))) \(sqlite3_column_int64(statement, 1))")
        }
        return result
    }

    /// Booked appointments that overlap an earlier booked appointment of the same provider,
    /// counted with plain SQL on the file (not through `AppointmentBook`).
    func countOverlaps(path: String) throws -> Int {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let handle else {
            throw ValidationError("cannot open \(path)")
        }
        defer { sqlite3_close(handle) }
        let sql = """
            SELECT COUNT(*) FROM (
              SELECT start_utc, MAX(end_utc) OVER (
                PARTITION BY provider_id ORDER BY start_utc, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end
              FROM appointments WHERE status = 'booked')
            WHERE start_utc < earlier_end
            """
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw ValidationError("overlap query failed: \(String(cString: sqlite3_errmsg(handle)))")
        }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else {
            throw ValidationError("overlap query failed: \(String(cString: sqlite3_errmsg(handle)))")
        }
        return Int(sqlite3_column_int64(statement, 0))
    }
}

/// What the writer threads hand back.
final class Collected: Sendable {
    let totals = Mutex<[CalendarCommand.BookingTotals]>([])
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
    var seconds: Double { Double(nanoseconds) / 1e9 }
}

func fmt(_ value: Double?) -> String {
    value.map { String(format: "%.3f", $0) } ?? "n/a"
}
