import Dispatch

/// Where work that may block on SQLite runs: tool calls (bookings wait for the write lock,
/// audit rows are written) and the call log's writer. Its threads are Dispatch's, not Swift's
/// cooperative pool, so a database locked by another process (a `sqlite3` shell, `frontdesk
/// import`, a second FrontDesk) holds only the work that needs the lock; `/health`, reads and
/// tool-free turns keep running on the pool (ACCEPTANCE R3).
///
/// Dispatch adds threads while jobs block, so several waiting writers never starve each other.
final class BlockingWorkExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "frontdesk.blocking-work", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
