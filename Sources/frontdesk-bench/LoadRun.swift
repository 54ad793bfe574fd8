import NIOCore
import NIOPosix

/// Per-request figures of one measurement window (or several merged).
struct WindowResult: Sendable {
    var timings: [RequestTiming] = []
    var errors: [String: Int] = [:]
    var scheduled = 0
    /// From the first origin to the last completion, in nanoseconds.
    var elapsed: Int64 = 0
    /// Most requests whose response head had arrived and whose end had not, at one time.
    var peakOpenStreams = 0

    var errorCount: Int { errors.values.reduce(0, +) }

    mutating func merge(_ other: WindowResult) {
        timings += other.timings
        for (reason, count) in other.errors { errors[reason, default: 0] += count }
        scheduled += other.scheduled
        elapsed += other.elapsed
        peakOpenStreams = max(peakOpenStreams, other.peakOpenStreams)
    }
}

/// How requests are paced in one window.
enum Pacing: Sendable {
    /// Open loop: request i is due at start + i/rate whether or not earlier ones have finished
    /// (wrk2-style constant throughput; latency runs from the due time, so a stalled server
    /// cannot hide its queue: no coordinated omission).
    case rate(Double)
    /// Closed loop: `concurrency` requests in flight, each sent when the previous one ends;
    /// latency runs from the actual send.
    case closed(concurrency: Int)
}

/// Runs one window of requests against one pool and collects their timings.
///
/// Confined to the pool's event loop, hence `@unchecked Sendable`.
final class LoadRun: @unchecked Sendable {
    let pool: ConnectionPool
    let pacing: Pacing
    let duration: TimeAmount
    /// After the last send, how long outstanding requests may take before they count as errors.
    let drain: TimeAmount
    private var eventLoop: any EventLoop { pool.eventLoop }
    private var result = WindowResult()
    private var outstanding = 0
    private var openStreams = 0
    private var start = NIODeadline.now()
    private var lastEnd = NIODeadline.now()
    private var sendingDone = false
    private var finished = false
    private var deadlineTask: Scheduled<Void>?
    private var promise: EventLoopPromise<WindowResult>?

    init(pool: ConnectionPool, pacing: Pacing, duration: TimeAmount, drain: TimeAmount) {
        self.pool = pool
        self.pacing = pacing
        self.duration = duration
        self.drain = drain
    }

    /// Runs the window; the future completes when every request ended or the drain ran out.
    func run() -> EventLoopFuture<WindowResult> {
        eventLoop.flatSubmit {
            let promise = self.eventLoop.makePromise(of: WindowResult.self)
            self.promise = promise
            self.start = .now() + .milliseconds(2)
            self.lastEnd = self.start
            let hardStop = self.start + self.duration + self.drain
            self.deadlineTask = self.eventLoop.scheduleTask(deadline: hardStop) { self.giveUp() }
            switch self.pacing {
            case .rate(let rate):
                let count = max(1, Int((rate * Double(self.duration.nanoseconds) / 1e9).rounded()))
                self.scheduleOpenLoop(index: 0, count: count, interval: 1e9 / rate)
            case .closed(let concurrency):
                self.eventLoop.scheduleTask(deadline: self.start) {
                    for _ in 0..<max(1, concurrency) { self.sendClosedLoop() }
                }
            }
            return promise.futureResult
        }
    }

    // MARK: - Pacing

    private func scheduleOpenLoop(index: Int, count: Int, interval: Double) {
        guard index < count, !finished else {
            sendingDone = true
            finishIfDone()
            return
        }
        let due = start + .nanoseconds(Int64((Double(index) * interval).rounded()))
        eventLoop.scheduleTask(deadline: due) {
            self.fire(origin: due)
            self.scheduleOpenLoop(index: index + 1, count: count, interval: interval)
        }
    }

    private func sendClosedLoop() {
        guard !finished else { return }
        guard NIODeadline.now() < start + duration else {
            sendingDone = true
            finishIfDone()
            return
        }
        fire(origin: .now()) { self.sendClosedLoop() }
    }

    private func fire(origin: NIODeadline, then next: (() -> Void)? = nil) {
        result.scheduled += 1
        outstanding += 1
        var sawHead = false
        pool.submit(origin: origin, onHead: {
            sawHead = true
            self.openStreams += 1
            self.result.peakOpenStreams = max(self.result.peakOpenStreams, self.openStreams)
        }) { outcome in
            if sawHead { self.openStreams -= 1 }
            self.record(outcome)
            next?()
        }
    }

    // MARK: - Results

    private func record(_ outcome: RequestOutcome) {
        guard !finished else { return }
        outstanding -= 1
        lastEnd = .now()
        switch outcome {
        case .ok(let timing): result.timings.append(timing)
        case .failed(let reason): result.errors[reason, default: 0] += 1
        }
        finishIfDone()
    }

    private func finishIfDone() {
        guard sendingDone, outstanding == 0, !finished else { return }
        complete()
    }

    /// The drain ran out: whatever has not ended is an error.
    private func giveUp() {
        guard !finished else { return }
        sendingDone = true
        if outstanding > 0 {
            result.errors["not finished within the window + \(drain.nanoseconds / 1_000_000_000) s", default: 0] += outstanding
            outstanding = 0
            finished = true  // ignore the completions abortAll is about to deliver
            pool.abortAll("window over")
        }
        complete()
    }

    private func complete() {
        finished = true
        deadlineTask?.cancel()
        result.elapsed = Int64(lastEnd.uptimeNanoseconds) - Int64(start.uptimeNanoseconds)
        promise?.succeed(result)
        promise = nil
    }
}
