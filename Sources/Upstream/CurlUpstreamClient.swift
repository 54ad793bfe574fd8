import Logging

/// The byte-level HTTP client for the upstream LLM, on libcurl's multi interface.
///
/// One client per process: all requests share one driver thread and one connection cache.
/// `send` retries transient failures before the first byte (jittered backoff, `Retry-After`
/// honoured), then tries the fallback base URLs in order, all inside `retryDeadline`. Once a 2xx
/// head has arrived nothing is retried: the body streams, and a failure there is thrown from it.
public final class CurlUpstreamClient: Sendable {
    public let configuration: UpstreamConfiguration
    let driver: CurlMultiDriver
    private let policy: RetryPolicy

    /// Starts the driver thread. Throws `UpstreamError.unreachable` if libcurl cannot be
    /// initialised. With no base URL the client only serves `exchange` (webhooks, the Telnyx
    /// API); `send` then fails as unreachable.
    public init(configuration: UpstreamConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.policy = RetryPolicy(maxRetries: max(0, configuration.maxRetries), baseDelay: configuration.retryBaseDelay)
        self.driver = try CurlMultiDriver(maxCachedConnections: configuration.maxCachedConnections, logger: logger)
        driver.start()
    }

    deinit {
        driver.shutdown()
    }

    /// Stops the driver thread; transfers still in flight fail. Idempotent.
    public func shutdown() {
        driver.shutdown()
    }

    /// Sends `request` to each base URL in turn (primary first) until one gives a 2xx head, and
    /// returns as soon as that head has arrived, the body still streaming.
    ///
    /// Throws `UpstreamError.http` at once for a non-retryable answer (e.g. 400/401/404, body
    /// kept), and after retries and fallbacks the last failure: `.http` (429/5xx), `.unreachable`
    /// or `.timeout`. Throws `CancellationError` if the calling task is cancelled; the transfer
    /// is cancelled with it.
    public func send(_ request: UpstreamHTTPRequest, logger: Logger) async throws -> UpstreamHTTPResponse {
        let clock = ContinuousClock()
        let start = clock.now
        // Everything before a usable head fits in the retry deadline, but a single attempt always
        // gets its whole first-byte timeout.
        var headBudgetEnd = start + max(configuration.retryDeadline, configuration.firstByteTimeout)
        var totalEnd = start + configuration.totalTimeout
        if let deadline = request.deadline {
            headBudgetEnd = min(headBudgetEnd, deadline)
            totalEnd = min(totalEnd, deadline)
        }
        var lastFailure: UpstreamError? = configuration.baseURLs.isEmpty ? .unreachable(description: "no upstream base URL configured") : nil
        var attemptNumber = 0

        baseURLs: for baseURL in configuration.baseURLs {
            var retriesUsed = 0
            while true {
                let now = clock.now
                guard now < headBudgetEnd, now < totalEnd else { break baseURLs }
                attemptNumber += 1
                let outcome = try await attempt(
                    request,
                    baseURL: baseURL,
                    number: attemptNumber,
                    headDeadline: min(now + configuration.firstByteTimeout, headBudgetEnd),
                    totalEnd: totalEnd,
                    logger: logger
                )
                switch outcome {
                case .response(let response):
                    return response
                case .failed(let failure, let retryAfter):
                    lastFailure = failure.error
                    guard failure.disposition == .retrySameURL, retriesUsed < policy.maxRetries else {
                        continue baseURLs
                    }
                    let delay = retryAfter ?? policy.backoff(beforeRetry: retriesUsed, jitter: Double.random(in: 0...1))
                    // A wait that would end past the deadline is no retry at all: try the next URL.
                    guard clock.now + delay < headBudgetEnd else { continue baseURLs }
                    try await Task.sleep(for: delay)
                    retriesUsed += 1
                }
            }
        }
        throw lastFailure ?? .timeout(phase: .firstByte)
    }

    private enum AttemptOutcome {
        case response(UpstreamHTTPResponse)
        case failed(AttemptFailure, retryAfter: Duration?)
    }

    /// One request to one base URL. Returns a 2xx response or a failure the loop may retry;
    /// throws a final `.http` error or `CancellationError`.
    private func attempt(
        _ request: UpstreamHTTPRequest,
        baseURL: String,
        number: Int,
        headDeadline: ContinuousClock.Instant,
        totalEnd: ContinuousClock.Instant,
        logger: Logger
    ) async throws -> AttemptOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        let host = Self.host(of: baseURL)
        var metadata: Logger.Metadata = ["upstream.host": "\(host)", "upstream.attempt": "\(number)"]
        func log(_ message: Logger.Message) {
            metadata["upstream.elapsed_ms"] = "\(started.duration(to: clock.now).wholeMilliseconds)"
            logger.debug(message, metadata: metadata)
        }

        let transfer: CurlTransfer
        let head: CurlTransfer.Head
        do {
            transfer = try CurlTransfer(
                url: Self.url(baseURL, request.path),
                host: host,
                request: request,
                connectTimeout: min(configuration.connectTimeout, started.duration(to: headDeadline)),
                totalTimeout: started.duration(to: totalEnd),
                idleTimeout: configuration.idleTimeout,
                headDeadline: headDeadline,
                driver: driver
            )
            head = try await transfer.awaitHead()
        } catch let error as UpstreamError {
            metadata["upstream.error"] = "\(error)"
            log("upstream attempt failed")
            return .failed(AttemptFailure(error: error, disposition: .nextURL), retryAfter: nil)
        } catch let failure as AttemptFailure {
            metadata["upstream.error"] = "\(failure.error)"
            log("upstream attempt failed")
            return .failed(failure, retryAfter: nil)
        }
        metadata["upstream.status"] = "\(head.status)"
        let body = UpstreamBody(transfer: transfer)
        if (200..<300).contains(head.status) {
            log("upstream response head")
            return .response(UpstreamHTTPResponse(status: head.status, headers: head.headers, body: body, baseURL: baseURL))
        }

        // The error body decides nothing but is the upstream's message for the caller; the
        // driver still enforces `headDeadline` while it arrives, so a stalled one cannot eat the
        // retry budget.
        var errorBody: [UInt8] = []
        do {
            errorBody = try await body.collectTruncating(upTo: configuration.maxErrorBodyBytes)
        } catch is UpstreamError {
            // Keep the status; an incomplete error message is not worth failing differently for.
        }
        let error = UpstreamError.http(status: head.status, body: errorBody)
        guard RetryPolicy.isRetryable(status: head.status) else {
            log("upstream answered with a non-retryable status")
            throw error
        }
        let retryAfter = RetryPolicy.retryAfter(in: head.headers)
        if let retryAfter { metadata["upstream.retry_after_ms"] = "\(retryAfter.wholeMilliseconds)" }
        log("upstream answered with a retryable status")
        return .failed(AttemptFailure(error: error, disposition: .retrySameURL), retryAfter: retryAfter)
    }

    /// `baseURL` + `path` with exactly one slash between them.
    static func url(_ baseURL: String, _ path: String) -> String {
        var base = Substring(baseURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        return path.hasPrefix("/") ? "\(base)\(path)" : "\(base)/\(path)"
    }

    /// Host (and port) of a base URL, without scheme, credentials or path: what logs may show.
    static func host(of baseURL: String) -> String {
        var rest = Substring(baseURL)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(rest)
    }
}
