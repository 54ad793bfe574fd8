import NIOCore

/// An event loop as a Swift task executor: a task that prefers it runs its jobs on the loop's
/// thread, between the loop's I/O.
///
/// For a connection's requests this saves the thread handoffs that otherwise come with every
/// request: the loop waking a thread of Swift's pool to handle what it read, and the pool
/// handing every written chunk back to the loop. On a 2-core machine each handoff to a sleeping
/// thread is tens of microseconds, several times FrontDesk's own work on a turn. Nothing that
/// blocks runs in request handlers anyway (SQLite and tools run on their own threads, and
/// curl on its driver), so the loop is never held longer than the pool would be.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
