import NIOCore
import NIOPosix

/// Keep-alive connections to one target, and the requests waiting for one of them.
///
/// A request is sent on an idle connection; when none is idle it waits in FIFO order while the
/// pool opens another connection (up to `maxConnections`). Waiting counts in the request's
/// latency because timings run from the request's origin, not from its send.
///
/// Confined to one event loop (asserted), hence `@unchecked Sendable`.
final class ConnectionPool: @unchecked Sendable {
    struct Waiting {
        var origin: NIODeadline
        /// nil: the pool's fixed body.
        var body: ByteBuffer?
        var onHead: (() -> Void)?
        var completion: (RequestOutcome) -> Void
    }

    let eventLoop: any EventLoop
    let spec: RequestSpec
    let maxConnections: Int
    private let encodedBody: ByteBuffer
    private var idle: [BenchConnection] = []
    private var all: [ObjectIdentifier: BenchConnection] = [:]
    private var connecting = 0
    private var waiting: [Waiting] = []
    private var waitingHead = 0
    /// Connection attempts that failed, by reason.
    private(set) var connectFailures: [String: Int] = [:]

    init(spec: RequestSpec, maxConnections: Int, eventLoop: any EventLoop) {
        self.spec = spec
        self.maxConnections = max(1, maxConnections)
        self.eventLoop = eventLoop
        self.encodedBody = ByteBuffer(string: spec.body)
    }

    var openConnections: Int { all.count }

    /// Opens connections until `count` are open (or `maxConnections`); succeeds when all tried.
    func warm(to count: Int) -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            let missing = max(0, min(count, self.maxConnections) - self.all.count - self.connecting)
            let futures = (0..<missing).map { _ in self.open() }
            return EventLoopFuture.andAllComplete(futures, on: self.eventLoop)
        }
    }

    /// Sends one request now if a connection is idle, or as soon as one is.
    func submit(
        origin: NIODeadline, body: ByteBuffer? = nil, onHead: (() -> Void)? = nil, completion: @escaping (RequestOutcome) -> Void
    ) {
        eventLoop.preconditionInEventLoop()
        let request = Waiting(origin: origin, body: body, onHead: onHead, completion: completion)
        if let connection = popIdle() {
            send(request, on: connection)
            return
        }
        waiting.append(request)
        if all.count + connecting < maxConnections && connecting < waitingCount {
            _ = open()
        }
    }

    /// Requests waiting for a connection.
    var waitingCount: Int { waiting.count - waitingHead }

    /// Fails every waiting request and every request in flight, and closes all connections.
    func abortAll(_ reason: String) {
        eventLoop.preconditionInEventLoop()
        let stillWaiting = waiting[waitingHead...]
        waiting.removeAll()
        waitingHead = 0
        for request in stillWaiting { request.completion(.failed(reason)) }
        for connection in Array(all.values) { connection.abort(reason) }
        all.removeAll()
        idle.removeAll()
    }

    /// Closes every connection (idle ones included).
    func shutdown() -> EventLoopFuture<Void> {
        eventLoop.submit {
            self.abortAll("pool shut down")
        }
    }

    // MARK: - Internals

    private func popIdle() -> BenchConnection? {
        while let connection = idle.popLast() {
            if !connection.isClosed { return connection }
        }
        return nil
    }

    @discardableResult
    private func open() -> EventLoopFuture<Void> {
        connecting += 1
        return BenchConnection.connect(host: spec.host, port: spec.port, on: eventLoop)
            .map { connection in
                self.connecting -= 1
                connection.onClose = { [unowned self] closed in
                    self.all[ObjectIdentifier(closed)] = nil
                    // A waiting request must not be stranded by a lost connection.
                    if self.waitingCount > self.connecting && self.all.count + self.connecting < self.maxConnections {
                        self.open()
                    }
                }
                self.all[ObjectIdentifier(connection)] = connection
                self.release(connection)
            }
            .recover { error in
                self.connecting -= 1
                self.connectFailures["\(error)", default: 0] += 1
                // Nothing left that could serve the waiting requests: fail them rather than hang.
                if self.all.isEmpty && self.connecting == 0 {
                    let stranded = self.waiting[self.waitingHead...]
                    self.waiting.removeAll()
                    self.waitingHead = 0
                    for request in stranded { request.completion(.failed("connect failed: \(error)")) }
                }
            }
    }

    /// A connection became free: serve the oldest waiting request, or park it.
    private func release(_ connection: BenchConnection) {
        guard !connection.isClosed else { return }
        if waitingHead < waiting.count {
            let request = waiting[waitingHead]
            waitingHead += 1
            if waitingHead > 1024 && waitingHead * 2 > waiting.count {
                waiting.removeFirst(waitingHead)
                waitingHead = 0
            }
            send(request, on: connection)
        } else {
            idle.append(connection)
        }
    }

    private func send(_ request: Waiting, on connection: BenchConnection) {
        connection.send(spec, encodedBody: request.body ?? encodedBody, origin: request.origin, onHead: request.onHead) { [unowned self] _, outcome in
            // Free the connection first, so a completion that submits again finds it idle.
            if !connection.isClosed {
                self.release(connection)
            } else {
                self.all[ObjectIdentifier(connection)] = nil
                if self.waitingCount > self.connecting && self.all.count + self.connecting < self.maxConnections {
                    self.open()
                }
            }
            request.completion(outcome)
        }
    }
}
