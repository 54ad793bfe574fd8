import Logging

/// One complete HTTP exchange with any URL: what webhook deliveries and calls to outside APIs
/// (Telnyx) need, on the same libcurl driver and connection cache as the upstream LLM, not a
/// second HTTP stack.
extension CurlUpstreamClient {
    /// The answer to one `exchange`, whatever its status.
    public struct Exchange: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        /// The first `maxBodyBytes` of the body.
        public var body: [UInt8]
        /// `Retry-After` (seconds) or `retry-after-ms`, capped at a day.
        public var retryAfter: Duration?

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// Sends `request` (its `path` ignored) to `url` once: no retries, no fallback, redirects
    /// not followed (a 3xx is an answer like any other), all within `timeout`. Returns any
    /// status with the first `maxBodyBytes` of the body; throws `.timeout` / `.unreachable` when
    /// there is no answer, `CancellationError` when the task is cancelled.
    public func exchange(
        _ request: UpstreamHTTPRequest, url: String, timeout: Duration, maxBodyBytes: Int = 4096, logger: Logger
    ) async throws -> Exchange {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        let transfer = try CurlTransfer(
            url: url, host: Self.host(of: url), request: request, connectTimeout: min(configuration.connectTimeout, timeout),
            totalTimeout: timeout, idleTimeout: timeout, headDeadline: end, driver: driver)
        let head: CurlTransfer.Head
        do {
            head = try await transfer.awaitHead()
        } catch let failure as AttemptFailure {
            throw failure.error
        }
        var body: [UInt8] = []
        do {
            body = try await UpstreamBody(transfer: transfer).collectTruncating(upTo: maxBodyBytes)
        } catch is UpstreamError {
            // The status is the answer; a body cut short changes nothing about it.
        }
        return Exchange(status: head.status, headers: head.headers, body: body, retryAfter: RetryPolicy.retryAfter(in: head.headers))
    }
}
