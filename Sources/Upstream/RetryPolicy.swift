/// The pure part of the retry decision: which answers are worth another try, and how long to wait.
/// The loop that applies it, against the deadline, lives in `CurlUpstreamClient.send`.
struct RetryPolicy: Sendable {
    /// Retries per base URL after the first attempt.
    var maxRetries: Int
    /// Backoff before retry `n` is uniform in `0...baseDelay * 2^n`, at most `maxDelay`.
    var baseDelay: Duration
    var maxDelay: Duration = .seconds(5)

    /// Rate limiting and the 5xx answers a proxy or overloaded server gives: a later try may work.
    /// Other non-2xx answers (400, 401, 404, 501…) will not change, so they are surfaced at once.
    static func isRetryable(status: Int) -> Bool {
        [429, 500, 502, 503, 504].contains(status)
    }

    /// "Full jitter": callers that failed together spread out instead of retrying in lockstep.
    /// `jitter` is a uniform random fraction in `0...1`, drawn by the caller (pure here, so tests
    /// can pin it).
    func backoff(beforeRetry retry: Int, jitter: Double) -> Duration {
        let exponent = min(max(retry, 0), 30)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        return ceiling * min(max(jitter, 0), 1)
    }

    /// The wait the upstream asked for: `retry-after-ms` (OpenAI's, more precise) or the
    /// integer-seconds form of `Retry-After`. The HTTP-date form is ignored (backoff applies).
    static func retryAfter(in headers: [(name: String, value: String)]) -> Duration? {
        func value(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }?.value.trimmingSpaces
        }
        if let millis = value("retry-after-ms").flatMap(Double.init), millis.isFinite, millis >= 0 {
            return .milliseconds(min(millis, 86_400_000))
        }
        if let seconds = value("retry-after").flatMap(Int.init), seconds >= 0 {
            return .seconds(min(seconds, 86_400))
        }
        return nil
    }
}
