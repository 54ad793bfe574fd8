import Foundation
import SQLiteStore
import Scheduling
import Synchronization
import Testing

/// What a child writer process should do, passed as JSON in `FRONTDESK_BOOKING_WORKER`.
struct WorkerSpec: Codable {
    enum Mode: String, Codable {
        /// Open the book, print READY, wait for "go" on stdin, then `threads` threads each try to
        /// book `start` with `provider` once; print one RESULT line per thread.
        case race
        /// Book free checkups one after another until killed (or `count` reached), printing
        /// CONFIRMED <id> only after `book` returned, i.e. after COMMIT.
        case load
    }
    var mode: Mode
    var path: String
    var threads: Int = 1
    var patientIDs: [Int64]
    var provider: String?
    var start: Date?
    var count: Int = .max
    var now: Date
}

/// Child writer processes for the multi-process tests (S1, S6).
///
/// The child is this very test bundle, re-executed with `--testing-library swift-testing
/// --filter bookingWorkerProcessEntry` and the spec in the environment: the entry test below
/// returns at once in a normal run and becomes the worker in the child. So the child runs
/// exactly our engine (same binary), with its own SQLite connections, as a real second process.
enum WorkerProcess {
    static let environmentKey = "FRONTDESK_BOOKING_WORKER"

    /// The test bundle's own executable (Linux: the `*.xctest` file is the executable).
    static var executableURL: URL {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: resolved)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }

    /// A started child and the pipes to talk to it.
    final class Child: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        private var buffer = Data()

        init(_ spec: WorkerSpec) throws {
            process.executableURL = WorkerProcess.executableURL
            process.arguments = ["--testing-library", "swift-testing", "--filter", "bookingWorkerProcessEntry"]
            var environment = ProcessInfo.processInfo.environment
            environment[WorkerProcess.environmentKey] = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
            process.environment = environment
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        /// Reads until a complete line arrives; nil at end of file.
        func readLine() -> String? {
            while true {
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    return line
                }
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return nil }
                buffer.append(chunk)
            }
        }

        /// The next protocol line (READY/RESULT/CONFIRMED), skipping anything else a child prints.
        func readProtocolLine() -> String? {
            while let line = readLine() {
                if line.hasPrefix("READY") || line.hasPrefix("RESULT") || line.hasPrefix("CONFIRMED") { return line }
            }
            return nil
        }

        func send(_ text: String) { input.fileHandleForWriting.write(Data((text + "\n").utf8)) }
        func kill9() { kill(process.processIdentifier, SIGKILL) }
    }

    /// Writes straight to fd 1 (no stdio buffering), so a line the parent sees was really said.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func run(_ spec: WorkerSpec) throws {
        switch spec.mode {
        case .race:
            // One book (own connections) per thread, opened before READY so the race is on the lock.
            let books = try (0..<spec.threads).map { _ in try AppointmentBook(path: spec.path) }
            say("READY")
            _ = readLine(strippingNewline: true)
            let results = ConcurrentRun.threads(spec.threads) { index in
                WorkerProcess.attempt(book: books[index], patient: spec.patientIDs[index % spec.patientIDs.count],
                                      provider: spec.provider!, start: spec.start!, now: spec.now)
            }
            for result in results { say("RESULT \(result)") }
        case .load:
            let book = try AppointmentBook(path: spec.path)
            say("READY")
            var booked = 0, index = 0
            while booked < spec.count {
                let slots = try book.findAvailableSlots(AvailabilityQuery(serviceID: "checkup", limit: 1), now: spec.now).slots
                guard let slot = slots.first else {
                    // Book full: stay alive until the parent kills us, as a real writer would.
                    _ = readLine(strippingNewline: true)
                    return
                }
                index += 1
                do {
                    let appointment = try book.book(BookingRequest(patientID: spec.patientIDs[index % spec.patientIDs.count], serviceID: "checkup",
                                                                   providerID: slot.providerID, start: slot.start), now: spec.now)
                    say("CONFIRMED \(appointment.id)")
                    booked += 1
                } catch SchedulingError.slotUnavailable {
                    continue // another writer took it between our read and our write
                } catch SchedulingError.patientBusy {
                    // The other process booked this patient at that time first: a refusal,
                    // not a crash (it made the child exit early and fail the kill -9 test).
                    continue
                }
            }
        }
    }

    /// One booking attempt, as a RESULT payload: "ok <id>", "<code> <alternatives>" or "error …".
    static func attempt(book: AppointmentBook, patient: Int64, provider: String, start: Date, now: Date) -> String {
        do {
            let appointment = try book.book(BookingRequest(patientID: patient, serviceID: "checkup", providerID: provider, start: start), now: now)
            return "ok \(appointment.id)"
        } catch let error as SchedulingError {
            if case .slotUnavailable(let alternatives) = error { return "slot_unavailable \(alternatives.count)" }
            return "\(error.code) 0"
        } catch {
            return "error \(error)"
        }
    }
}

/// Blocking waits (a child's pipe, its exit, a semaphore) on a thread of their own: a test
/// that blocks one of the cooperative pool's two threads here for seconds makes every timing
/// test running beside it late.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}

/// Runs `body` on `count` real OS threads released together. Threads, not a task group: each
/// writer blocks inside SQLite's busy handler, and the cooperative pool (2 threads on this
/// machine) would serialise them and hide the race we want to provoke.
enum ConcurrentRun {
    static func threads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let results = Mutex([T?](repeating: nil, count: count))
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for index in 0..<count {
            done.enter()
            let thread = Thread {
                start.wait()
                let result = body(index)
                results.withLock { $0[index] = result }
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        for _ in 0..<count { start.signal() }
        done.wait()
        return results.withLock { $0.map { $0! } }
    }
}

/// Entry point of the child writer process; a no-op in a normal test run.
@Test func bookingWorkerProcessEntry() throws {
    guard let json = ProcessInfo.processInfo.environment[WorkerProcess.environmentKey] else { return }
    try WorkerProcess.run(try JSONDecoder().decode(WorkerSpec.self, from: Data(json.utf8)))
}
