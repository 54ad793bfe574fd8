import CCurl
import Foundation
import Logging
import Synchronization

/// Owns libcurl's multi handle and the one thread that drives every transfer on it.
///
/// No thread per request: all transfers share this thread, which sleeps in `epoll_wait` until
/// a socket is ready, curl's timer or one of our first-byte deadlines is due, or the eventfd
/// signals new commands. curl's socket interface (`curl_multi_socket_action`) tells the thread
/// which sockets to watch and is told which one is ready, so the work per event does not grow
/// with the number of open streams: `curl_multi_perform` with `curl_multi_poll` polled every
/// socket and visited every transfer on each wakeup, which with a thousand streams cost most
/// of a core. Other threads never touch the multi handle or a live easy handle; they enqueue
/// commands (add, remove, resume) under a lock and wake the thread. Because the multi handle
/// owns the connection cache, finished transfers leave their connections open for the next
/// request to the same host.
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
    private let sockets: SocketEvents
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
        guard let sockets = SocketEvents() else {
            curl_multi_cleanup(raw)
            throw .unreachable(description: "could not create the upstream driver's epoll or eventfd descriptors")
        }
        multi = MultiHandle(raw: raw)
        self.sockets = sockets
        self.logger = logger
        _ = fd_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, max(1, maxCachedConnections))
        let context = Unmanaged.passUnretained(sockets).toOpaque()
        _ = fd_multi_setopt_socketfunction(raw) { _, socket, what, context, _ in
            guard let context else { return -1 }
            Unmanaged<SocketEvents>.fromOpaque(context).takeUnretainedValue().watch(socket, what: what)
            return 0
        }
        _ = fd_multi_setopt_ptr(raw, CURLMOPT_SOCKETDATA, context)
        _ = fd_multi_setopt_timerfunction(raw) { _, milliseconds, context in
            guard let context else { return -1 }
            Unmanaged<SocketEvents>.fromOpaque(context).takeUnretainedValue().setTimer(milliseconds: milliseconds)
            return 0
        }
        _ = fd_multi_setopt_ptr(raw, CURLMOPT_TIMERDATA, context)
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
            sockets.wake()
        }
    }

    /// Waking under the lock is what makes `wake` safe: the thread closes the eventfd only after
    /// it has seen `isShutDown` under the same lock, and nobody wakes it after.
    private func enqueue(_ command: Command) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.isShutDown else { return false }
            inbox.commands.append(command)
            sockets.wake()
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

            // curl's own timer: timeouts, connects, and the "run now" of an added or resumed transfer.
            var running: Int32 = 0
            if sockets.timerIsDue(clock.now) {
                sockets.clearTimer()
                _ = curl_multi_socket_action(multi.raw, fd_socket_timeout(), 0, &running)
            }
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
            for due in [nextDeadline, sockets.timer].compactMap({ $0 }) {
                // Rounded up: waking a moment early would only spin until the deadline.
                let remaining = clock.now.duration(to: due)
                let milliseconds = remaining <= .zero ? 0 : remaining.wholeMilliseconds
                timeout = Int32(clamping: min(milliseconds, Int(timeout)))
            }
            for (socket, events) in sockets.wait(timeoutMilliseconds: timeout) {
                _ = curl_multi_socket_action(multi.raw, socket, events, &running)
            }
            collectCompletions(&active)
        }
        for (_, transfer) in active {
            curl_multi_remove_handle(multi.raw, transfer.easy.raw)
            transfer.driverDidStop()
        }
        active.removeAll()
        inFlight.store(0, ordering: .relaxed)
        curl_multi_cleanup(multi.raw)
        sockets.close()
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

/// The sockets curl asked the driver to watch, in an epoll set, and curl's timer; plus the
/// eventfd that wakes the driver for commands.
///
/// Confined to the driver thread (curl calls `watch` and `setTimer` from inside
/// `curl_multi_socket_action` and `curl_multi_add_handle`, which only that thread calls), except
/// `wake`, a write to the eventfd, which any thread may do while the driver is not shut down.
private final class SocketEvents: @unchecked Sendable {
    private let epoll: Int32
    private let eventFD: Int32
    private var watched = Set<Int32>()
    /// When curl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)`; nil: no timer.
    private(set) var timer: ContinuousClock.Instant?
    private var readyFDs = [Int32](repeating: 0, count: 256)
    private var readyEvents = [UInt32](repeating: 0, count: 256)

    init?() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        eventFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard epoll >= 0, eventFD >= 0, fd_epoll_set(epoll, EPOLL_CTL_ADD, eventFD, fd_epollin()) == 0 else {
            if epoll >= 0 { Glibc.close(epoll) }
            if eventFD >= 0 { Glibc.close(eventFD) }
            return nil
        }
    }

    func close() {
        Glibc.close(epoll)
        Glibc.close(eventFD)
    }

    func wake() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { Glibc.write(eventFD, $0.baseAddress, 8) }
    }

    /// curl's socket callback: what to watch on `socket` (or to stop watching it).
    func watch(_ socket: Int32, what: Int32) {
        if what == CURL_POLL_REMOVE {
            // The socket may already be closed, which took it out of the set: that is fine.
            _ = fd_epoll_set(epoll, EPOLL_CTL_DEL, socket, 0)
            watched.remove(socket)
            return
        }
        var events: UInt32 = 0
        if what == CURL_POLL_IN || what == CURL_POLL_INOUT { events |= fd_epollin() }
        if what == CURL_POLL_OUT || what == CURL_POLL_INOUT { events |= fd_epollout() }
        // A number curl closed without telling us may come back as a new socket: fall back
        // from MOD to ADD and from ADD to MOD rather than trust the bookkeeping.
        let first = watched.contains(socket) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD
        if fd_epoll_set(epoll, first, socket, events) != 0 {
            _ = fd_epoll_set(epoll, first == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, socket, events)
        }
        watched.insert(socket)
    }

    /// curl's timer callback: -1 removes the timer, 0 means as soon as possible.
    func setTimer(milliseconds: Int) {
        timer = milliseconds < 0 ? nil : ContinuousClock.now + .milliseconds(milliseconds)
    }

    func timerIsDue(_ now: ContinuousClock.Instant) -> Bool { timer.map { $0 <= now } ?? false }

    func clearTimer() { timer = nil }

    /// Waits for ready sockets; returns each with the `CURL_CSELECT_*` bits for curl. The
    /// eventfd is drained here and not returned.
    func wait(timeoutMilliseconds: Int32) -> [(Int32, Int32)] {
        let count = fd_epoll_wait(epoll, &readyFDs, &readyEvents, Int32(readyFDs.count), timeoutMilliseconds)
        guard count > 0 else { return [] }
        var ready: [(Int32, Int32)] = []
        ready.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            let fd = readyFDs[index], events = readyEvents[index]
            if fd == eventFD {
                var value: UInt64 = 0
                _ = withUnsafeMutableBytes(of: &value) { Glibc.read(eventFD, $0.baseAddress, 8) }
                continue
            }
            var select: Int32 = 0
            if events & fd_epollin() != 0 { select |= CURL_CSELECT_IN }
            if events & fd_epollout() != 0 { select |= CURL_CSELECT_OUT }
            if events & fd_epollerr() != 0 { select |= CURL_CSELECT_ERR }
            ready.append((fd, select))
        }
        return ready
    }
}
