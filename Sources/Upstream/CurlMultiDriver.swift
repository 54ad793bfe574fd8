import CCurl
import Foundation
import Logging
import Synchronization

/// Owns libcurl's multi handle and the one thread that drives every transfer on it.
///
/// No thread per request: all transfers share this thread, which sleeps in `curl_multi_poll`
/// until a socket is ready, a curl timer or one of our first-byte deadlines is due, or
/// `curl_multi_wakeup` signals new commands. Other threads never touch the multi handle or a
/// live easy handle; they enqueue commands (add, remove, resume) under a lock and wake the thread.
/// Because the multi handle owns the connection cache, finished transfers leave their
/// connections open for the next request to the same host.
final class CurlMultiDriver: Sendable {
    private enum Command {
        case add(CurlTransfer)
        case remove(CurlTransfer)
        case resume(CurlTransfer)
    }

    private struct Inbox {
        var commands: [Command] = []
        var isShutDown = false
    }

    private struct MultiHandle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    private let multi: MultiHandle
    private let inbox = Mutex(Inbox())
    private let logger: Logger
    private let threadsStarted = Atomic<Int>(0)
    private let threadRunning = Atomic<Bool>(false)
    private let inFlight = Atomic<Int>(0)

    /// Longest sleep in `curl_multi_poll` when nothing is due: only a safety net, since
    /// submissions wake the thread and curl caps the wait by its own timers.
    private static let idlePollMilliseconds: Int32 = 1000
    /// How often transfers are checked against their head and idle deadlines.
    private static let deadlineCheckInterval: Duration = .milliseconds(25)

    init(maxCachedConnections: Int, logger: Logger) throws(UpstreamError) {
        guard CurlGlobal.isInitialized, let raw = curl_multi_init() else {
            throw .unreachable(description: "libcurl could not create a multi handle")
        }
        multi = MultiHandle(raw: raw)
        self.logger = logger
        _ = fd_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, max(1, maxCachedConnections))
    }

    /// Starts the driver thread. Called once, right after `init`.
    func start() {
        threadsStarted.add(1, ordering: .relaxed)
        threadRunning.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            run()
        }
        thread.name = "frontdesk-curl-driver"
        thread.start()
    }

    /// How many driver threads were ever started (always 1; for tests).
    var threadsStartedCount: Int { threadsStarted.load(ordering: .relaxed) }
    /// Whether the driver thread is still looping.
    var isRunning: Bool { threadRunning.load(ordering: .acquiring) }
    /// Transfers currently in the multi handle, as of the driver's last loop (for tests).
    var inFlightCount: Int { inFlight.load(ordering: .relaxed) }

    /// Queues `transfer` for the driver thread. Returns false if the driver has shut down.
    func submit(_ transfer: CurlTransfer) -> Bool {
        enqueue(.add(transfer))
    }

    /// Removes `transfer` from the multi handle if it is still there (cancellation).
    func remove(_ transfer: CurlTransfer) {
        _ = enqueue(.remove(transfer))
    }

    /// Un-pauses a transfer whose consumer has caught up.
    func resume(_ transfer: CurlTransfer) {
        _ = enqueue(.resume(transfer))
    }

    /// Stops the thread: in-flight transfers fail, the multi handle is cleaned up on the thread
    /// itself. Idempotent; does not wait for the thread to exit.
    func shutdown() {
        inbox.withLock { inbox in
            guard !inbox.isShutDown else { return }
            inbox.isShutDown = true
            curl_multi_wakeup(multi.raw)
        }
    }

    /// Waking under the lock is what makes `curl_multi_wakeup` safe: the thread cleans the multi
    /// handle up only after it has seen `isShutDown` under the same lock, and nobody wakes it after.
    private func enqueue(_ command: Command) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.isShutDown else { return false }
            inbox.commands.append(command)
            curl_multi_wakeup(multi.raw)
            return true
        }
    }

    // MARK: - Driver thread

    private static func key(_ easy: UnsafeMutableRawPointer) -> UInt { UInt(bitPattern: easy) }

    private func run() {
        logger.debug("upstream driver thread started")
        // Strong references to every transfer in the multi handle: they keep the unretained
        // context pointers given to curl's callbacks valid.
        var active: [UInt: CurlTransfer] = [:]
        let clock = ContinuousClock()
        var nextCheck = clock.now
        while true {
            let (commands, isShutDown) = inbox.withLock { inbox in
                defer { inbox.commands.removeAll(keepingCapacity: true) }
                return (inbox.commands, inbox.isShutDown)
            }
            for command in commands {
                apply(command, to: &active)
            }
            if isShutDown { break }

            var running: Int32 = 0
            _ = curl_multi_perform(multi.raw, &running)
            collectCompletions(&active)
            // Deadlines are checked every few milliseconds while transfers are active, not on
            // every socket event: with a thousand streams the scan would cost more than the I/O.
            // (A head or body arriving moves a transfer's deadline without any command, so the
            // check is periodic rather than scheduled for the earliest deadline seen.)
            let now = clock.now
            if now >= nextCheck {
                let earliest = enforceDeadlines(&active, now: now)
                nextCheck = min(earliest ?? now + Self.deadlineCheckInterval, now + Self.deadlineCheckInterval)
            }
            let nextDeadline: ContinuousClock.Instant? = active.isEmpty ? nil : nextCheck
            inFlight.store(active.count, ordering: .relaxed)

            var timeout = Self.idlePollMilliseconds
            if let nextDeadline {
                let remaining = clock.now.duration(to: nextDeadline).wholeMilliseconds
                timeout = Int32(clamping: max(0, min(remaining, Int(timeout))))
            }
            _ = curl_multi_poll(multi.raw, nil, 0, timeout, nil)
        }
        for (_, transfer) in active {
            curl_multi_remove_handle(multi.raw, transfer.easy.raw)
            transfer.driverDidStop()
        }
        active.removeAll()
        inFlight.store(0, ordering: .relaxed)
        curl_multi_cleanup(multi.raw)
        threadRunning.store(false, ordering: .releasing)
        logger.debug("upstream driver thread stopped")
    }

    private func apply(_ command: Command, to active: inout [UInt: CurlTransfer]) {
        switch command {
        case .add(let transfer):
            let key = Self.key(transfer.easy.raw)
            guard active[key] == nil else { return }
            let code = curl_multi_add_handle(multi.raw, transfer.easy.raw)
            if code == CURLM_OK {
                active[key] = transfer
            } else {
                logger.error("curl_multi_add_handle failed", metadata: ["curl.code": "\(code.rawValue)"])
                transfer.driverDidStop()
            }
        case .remove(let transfer):
            // Removing an unfinished transfer closes its connection, so the upstream sees the
            // client go away (and stops generating tokens nobody will hear).
            if active.removeValue(forKey: Self.key(transfer.easy.raw)) != nil {
                curl_multi_remove_handle(multi.raw, transfer.easy.raw)
            }
        case .resume(let transfer):
            if active[Self.key(transfer.easy.raw)] != nil {
                // The pause was ours: the idle clock starts again from here.
                transfer.markActive()
                // May call the write callback right here with the bytes curl held back.
                _ = curl_easy_pause(transfer.easy.raw, fd_pause_cont())
            }
        }
    }

    private func collectCompletions(_ active: inout [UInt: CurlTransfer]) {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi.raw, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            // Read everything from `message` before removing the handle invalidates it.
            let result = fd_msg_result(message)
            guard let transfer = active.removeValue(forKey: Self.key(easy)) else { continue }
            curl_multi_remove_handle(multi.raw, easy)
            transfer.driverDidComplete(result)
        }
    }

    /// Aborts transfers past their first-byte deadline, and streaming bodies silent past their
    /// idle timeout; returns the earliest deadline still pending.
    private func enforceDeadlines(_ active: inout [UInt: CurlTransfer], now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        for (key, transfer) in active {
            let deadline: ContinuousClock.Instant
            let expire: () -> Void
            if transfer.isBeforeUsableHead {
                deadline = transfer.headDeadline
                expire = transfer.driverDidTimeOut
            } else if let idle = transfer.idleDeadline {
                deadline = idle
                expire = transfer.driverDidIdleOut
            } else {
                continue
            }
            if deadline <= now {
                active.removeValue(forKey: key)
                curl_multi_remove_handle(multi.raw, transfer.easy.raw)
                expire()
            } else if earliest.map({ deadline < $0 }) ?? true {
                earliest = deadline
            }
        }
        return earliest
    }
}
