import CCurl
import Synchronization

/// One HTTP exchange on its own curl easy handle: the context object behind curl's write and
/// header callbacks, and the bridge from the driver thread to the task awaiting the response.
///
/// Ownership: the handle is configured on the caller's thread, then touched only by the driver
/// thread while it sits in the multi handle (the driver holds a strong reference for exactly that
/// long, which is what makes the unretained callback context pointer safe). It is freed in
/// `deinit`, after the driver has removed it.
final class CurlTransfer: Sendable {
    /// A raw curl pointer that moves between threads under the ownership rules above.
    struct Handle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    private struct Resources: @unchecked Sendable {
        let headerList: UnsafeMutablePointer<curl_slist>?
        let errorBuffer: UnsafeMutablePointer<CChar>
    }

    let easy: Handle
    /// For logs: the host of the base URL, never the full URL.
    let host: String
    /// No usable response head by then: the driver aborts the transfer (`firstByte` timeout).
    let headDeadline: ContinuousClock.Instant
    /// Most silence between body bytes of a usable head while not paused (`idle` timeout).
    let idleTimeout: Duration
    /// When the head or the last body bytes arrived, or the transfer was last resumed. Driver
    /// thread only; the lock just proves that to the compiler, uncontended.
    private let lastActivity = Mutex<ContinuousClock.Instant?>(nil)
    private let resources: Resources
    private let driver: CurlMultiDriver
    private let state = Mutex(StateMachine())
    /// Only the driver thread feeds it; the lock just proves that to the compiler, uncontended.
    private let headParser = Mutex(ResponseHeadParser())

    /// Configures an easy handle for `request` against `url`. Nothing is sent until `awaitHead`.
    init(
        url: String,
        host: String,
        request: UpstreamHTTPRequest,
        connectTimeout: Duration,
        totalTimeout: Duration,
        idleTimeout: Duration,
        headDeadline: ContinuousClock.Instant,
        driver: CurlMultiDriver
    ) throws(UpstreamError) {
        guard CurlGlobal.isInitialized, let raw = curl_easy_init() else {
            throw .unreachable(description: "libcurl could not create a transfer")
        }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(fd_error_size()))
        errorBuffer.initialize(repeating: 0, count: Int(fd_error_size()))
        self.easy = Handle(raw: raw)
        self.host = host
        self.headDeadline = headDeadline
        self.idleTimeout = idleTimeout
        self.driver = driver
        self.resources = Resources(headerList: Self.makeHeaderList(for: request), errorBuffer: errorBuffer)

        let context = Unmanaged.passUnretained(self).toOpaque()
        var ok = true
        func set(_ option: CURLoption, _ value: Int) { ok = ok && fd_easy_setopt_long(raw, option, value) == CURLE_OK }
        func set(_ option: CURLoption, _ value: String) {
            // String options are copied by libcurl (since 7.17), so a temporary C string is enough.
            ok = ok && value.withCString { fd_easy_setopt_ptr(raw, option, $0) } == CURLE_OK
        }
        func set(_ option: CURLoption, pointer: UnsafeRawPointer?) { ok = ok && fd_easy_setopt_ptr(raw, option, pointer) == CURLE_OK }

        set(CURLOPT_URL, url)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        // Signals are process-wide; with many threads they must stay out of libcurl's way.
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_TCP_NODELAY, 1)
        // Pooled connections can die silently behind NATs; keepalive notices before we reuse one.
        set(CURLOPT_TCP_KEEPALIVE, 1)
        set(CURLOPT_TCP_KEEPIDLE, 30)
        set(CURLOPT_TCP_KEEPINTVL, 15)
        set(CURLOPT_CONNECTTIMEOUT_MS, max(1, connectTimeout.wholeMilliseconds))
        set(CURLOPT_TIMEOUT_MS, max(1, totalTimeout.wholeMilliseconds))
        set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        // The receive buffer is held for a stream's whole life: 4 KiB instead of curl's 16 KiB
        // is plenty for SSE chunks (and only more write callbacks for a large JSON body), and
        // saved ~10 MB of RSS per 1,000 open streams in the benchmark.
        set(CURLOPT_BUFFERSIZE, 4096)
        // HTTP/1.1 over a keep-alive pool: predictable per-request flow control, and no exposure
        // to libcurl 7.88's rough edges with paused HTTP/2 streams (our backpressure pauses).
        set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        set(CURLOPT_HTTPHEADER, pointer: resources.headerList.map { UnsafeRawPointer($0) })

        switch request.method.uppercased() {
        case "GET":
            set(CURLOPT_HTTPGET, 1)
        case "POST":
            set(CURLOPT_POST, 1)
        default:
            set(CURLOPT_CUSTOMREQUEST, request.method)
        }
        if request.method.uppercased() != "GET" {
            // COPYPOSTFIELDS copies the bytes now, so the request need not outlive this init.
            set(CURLOPT_POSTFIELDSIZE, request.body.count)
            let copied = request.body.isEmpty
                ? "".withCString { fd_easy_setopt_ptr(raw, CURLOPT_COPYPOSTFIELDS, $0) }
                : request.body.withUnsafeBytes { fd_easy_setopt_ptr(raw, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            ok = ok && copied == CURLE_OK
        }

        ok = ok && fd_easy_setopt_write(raw) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.didReceiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        } == CURLE_OK
        set(CURLOPT_WRITEDATA, pointer: context)
        ok = ok && fd_easy_setopt_header(raw) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.didReceiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
        } == CURLE_OK
        set(CURLOPT_HEADERDATA, pointer: context)

        guard ok else {
            throw .unreachable(description: "libcurl rejected the transfer options for \(host)")
        }
    }

    deinit {
        curl_easy_cleanup(easy.raw)
        curl_slist_free_all(resources.headerList)
        resources.errorBuffer.deallocate()
    }

    /// `Authorization` is built here and nowhere else, and libcurl copies it into its own memory;
    /// neither is ever logged. `Expect:` (empty) stops curl waiting for `100 Continue` on larger
    /// bodies, which would cost a round trip (or a second) on every chat completion.
    private static func makeHeaderList(for request: UpstreamHTTPRequest) -> UnsafeMutablePointer<curl_slist>? {
        var lines = ["Expect:"]
        if let token = request.bearerToken, !token.containsLineBreak {
            lines.append("Authorization: Bearer \(token)")
        }
        let hasContentType = request.headers.contains { $0.0.lowercased() == "content-type" }
        if !hasContentType && request.method.uppercased() != "GET" {
            lines.append("Content-Type: application/json")
        }
        for (name, value) in request.headers where !name.isEmpty && !name.containsLineBreak && !value.containsLineBreak {
            lines.append("\(name): \(value)")
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            list = curl_slist_append(list, line)
        }
        return list
    }

    // MARK: - Consumer side

    /// Hands the transfer to the driver and waits for a response head (any status ≥ 200).
    /// Throws `AttemptFailure` if the attempt failed first, or `CancellationError`.
    func awaitHead() async throws -> Head {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Head, any Error>) in
                switch state.withLock({ $0.installHeadContinuation(continuation) }) {
                case .submit:
                    if !driver.submit(self) {
                        cancel(AttemptFailure(error: .unreachable(description: "upstream client is shut down"), disposition: .nextURL))
                    }
                case .fail(let error):
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            cancel(CancellationError())
        }
    }

    /// The next body chunk, `nil` at a clean end; throws `UpstreamError` if the transfer failed,
    /// `CancellationError` if the consuming task was cancelled (which also cancels the transfer).
    func nextChunk() async throws -> [UInt8]? {
        switch state.withLock({ $0.pollNext() }) {
        case .deliver(let chunk, let resume):
            if resume { driver.resume(self) }
            return chunk
        case .end:
            return nil
        case .fail(let error):
            throw error
        case .wait:
            break
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                switch state.withLock({ $0.next(continuation) }) {
                case .deliver(let chunk, let resume):
                    if resume { driver.resume(self) }
                    continuation.resume(returning: chunk)
                case .end:
                    continuation.resume(returning: nil)
                case .fail(let error):
                    continuation.resume(throwing: error)
                case .wait:
                    break
                }
            }
        } onCancel: {
            cancel(CancellationError())
        }
    }

    /// Stops the transfer from any thread: whoever waits gets `error`, and the driver removes the
    /// easy handle (closing its connection if the response was incomplete). Idempotent.
    func cancel(_ error: any Error = CancellationError()) {
        switch state.withLock({ $0.cancel(error) }) {
        case .none:
            return
        case .failHead(let continuation, let error):
            continuation.resume(throwing: error)
            driver.remove(self)
        case .failBodyWaiter(let waiter, let removeTransfer):
            waiter?.resume(throwing: error)
            if removeTransfer { driver.remove(self) }
        case .removeTransfer:
            driver.remove(self)
        }
    }

    // MARK: - Driver side (driver thread only)

    private func didReceiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Int {
        guard let head = headParser.withLock({ $0.feed(line) }) else { return line.count }
        markActive()
        state.withLock { $0.headArrived(head) }?.resume(returning: head)
        return line.count
    }

    private func didReceiveBody(_ data: UnsafeRawBufferPointer) -> Int {
        guard !data.isEmpty else { return 0 }
        markActive()
        let bytes = [UInt8](data)
        switch state.withLock({ $0.bodyBytes(bytes) }) {
        case .accepted:
            return data.count
        case .acceptedAndDelivered(let waiter):
            waiter.resume(returning: bytes)
            return data.count
        case .pause:
            return fd_writefunc_pause()
        case .abort:
            return 0
        }
    }

    /// Driver thread: the transfer showed life (bytes arrived, or it was resumed after a pause).
    func markActive() {
        let now = ContinuousClock.now
        lastActivity.withLock { $0 = now }
    }

    /// Driver thread: when a streaming body that is not paused counts as stalled; nil when no
    /// idle deadline applies (before the head, paused by our backpressure, or ended).
    var idleDeadline: ContinuousClock.Instant? {
        guard state.withLock({ $0.isReceivingBody }), let last = lastActivity.withLock({ $0 }) else { return nil }
        return last + idleTimeout
    }

    /// The driver abandoned a body that fell silent for `idleTimeout`.
    func driverDidIdleOut() {
        finish(
            beforeHead: AttemptFailure(error: .timeout(phase: .idle), disposition: .nextURL),
            afterHead: .failure(.timeout(phase: .idle))
        )
    }

    /// Still before a usable (2xx) head, so the driver must enforce `headDeadline`.
    var isBeforeUsableHead: Bool { state.withLock { $0.isBeforeUsableHead } }

    /// curl reported the transfer done with `code`; the handle is already out of the multi handle.
    func driverDidComplete(_ code: CURLcode) {
        let outcome = classify(code)
        finish(beforeHead: outcome.beforeHead, afterHead: outcome.afterHead)
    }

    /// The driver aborted the transfer at `headDeadline`.
    func driverDidTimeOut() {
        let phase: UpstreamError.TimeoutPhase = requestWasSent ? .firstByte : .connect
        finish(
            beforeHead: AttemptFailure(error: .timeout(phase: phase), disposition: .nextURL),
            afterHead: .failure(.timeout(phase: .firstByte))
        )
    }

    /// The driver is shutting down with this transfer still in flight.
    func driverDidStop() {
        let description = "upstream client was shut down"
        finish(
            beforeHead: AttemptFailure(error: .unreachable(description: description), disposition: .nextURL),
            afterHead: .failure(.aborted(description: description))
        )
    }

    private func finish(beforeHead: AttemptFailure, afterHead: Result<Void, UpstreamError>) {
        switch state.withLock({ $0.completed(beforeHead: beforeHead, afterHead: afterHead) }) {
        case .none:
            break
        case .failHead(let continuation, let error):
            continuation.resume(throwing: error)
        case .finishBodyWaiter(let waiter, .success):
            waiter.resume(returning: nil)
        case .finishBodyWaiter(let waiter, .failure(let error)):
            waiter.resume(throwing: error)
        }
    }

    /// Whether any request bytes went out: distinguishes a connect timeout from a first-byte one.
    /// (`CURLINFO_REQUEST_SIZE`, unlike the connect time, is also right on a reused connection.)
    private var requestWasSent: Bool {
        var size = 0
        return fd_easy_getinfo_long(easy.raw, CURLINFO_REQUEST_SIZE, &size) == CURLE_OK && size > 0
    }

    private func classify(_ code: CURLcode) -> (beforeHead: AttemptFailure, afterHead: Result<Void, UpstreamError>) {
        if code == CURLE_OK {
            let failure = AttemptFailure(
                error: .unreachable(description: "\(host) closed the connection without a response"),
                disposition: .retrySameURL
            )
            return (failure, .success(()))
        }
        let description = errorDescription(code)
        let afterHead: UpstreamError = code == CURLE_OPERATION_TIMEDOUT
            ? .timeout(phase: .total) : .aborted(description: description)
        let beforeHead: AttemptFailure
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            beforeHead = requestWasSent
                ? AttemptFailure(error: .timeout(phase: .total), disposition: .nextURL)
                : AttemptFailure(error: .timeout(phase: .connect), disposition: .retrySameURL)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
             CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
             CURLE_HTTP2, CURLE_HTTP2_STREAM:
            beforeHead = AttemptFailure(error: .unreachable(description: description), disposition: .retrySameURL)
        default:
            // TLS, malformed URL, unsupported protocol…: the same URL will fail the same way.
            beforeHead = AttemptFailure(error: .unreachable(description: description), disposition: .nextURL)
        }
        return (beforeHead, .failure(afterHead))
    }

    private func errorDescription(_ code: CURLcode) -> String {
        let detail = String(cString: resources.errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }
}

extension String {
    fileprivate var containsLineBreak: Bool { contains { $0 == "\r" || $0 == "\n" || $0 == "\r\n" } }
}
