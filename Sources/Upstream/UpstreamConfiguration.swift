/// How `CurlUpstreamClient` reaches the upstream LLM: where, and how long it may take.
///
/// The timeouts nest: `connectTimeout` bounds one TCP/TLS connect, `firstByteTimeout` bounds one
/// attempt from handing the request to curl until the response head, and `retryDeadline` bounds
/// every attempt, backoff and fallback before a usable response head (never less than one full
/// `firstByteTimeout`). `totalTimeout` bounds the whole exchange including the streamed body, and
/// `idleTimeout` the silence between body bytes once a 2xx head has arrived (an upstream that
/// sends its head, a role chunk or SSE comments and then stalls is abandoned then, not at
/// `totalTimeout`).
public struct UpstreamConfiguration: Sendable {
    /// Primary first, then fallbacks in the order they are tried, e.g. "https://api.openai.com/v1".
    /// A trailing slash is tolerated.
    public var baseURLs: [String]
    public var connectTimeout: Duration
    public var firstByteTimeout: Duration
    public var totalTimeout: Duration
    public var idleTimeout: Duration
    public var retryDeadline: Duration
    /// Retries per base URL after its first attempt (so `maxRetries + 1` attempts at most).
    public var maxRetries: Int
    /// Backoff before retry `n` (from 0) is uniform in `0...retryBaseDelay * 2^n` ("full jitter"),
    /// so a fleet of callers that failed together does not retry together.
    public var retryBaseDelay: Duration
    /// Most connections the multi handle keeps open for reuse.
    public var maxCachedConnections: Int
    /// Most bytes of a non-2xx response body kept for `UpstreamError.http`.
    public var maxErrorBodyBytes: Int

    public init(
        baseURLs: [String],
        connectTimeout: Duration = .seconds(3),
        firstByteTimeout: Duration = .seconds(8),
        totalTimeout: Duration = .seconds(120),
        idleTimeout: Duration = .seconds(10),
        retryDeadline: Duration = .seconds(10),
        maxRetries: Int = 2,
        retryBaseDelay: Duration = .milliseconds(100),
        maxCachedConnections: Int = 64,
        maxErrorBodyBytes: Int = 64 * 1024
    ) {
        self.baseURLs = baseURLs
        self.connectTimeout = connectTimeout
        self.firstByteTimeout = firstByteTimeout
        self.totalTimeout = totalTimeout
        self.idleTimeout = idleTimeout
        self.retryDeadline = retryDeadline
        self.maxRetries = maxRetries
        self.retryBaseDelay = retryBaseDelay
        self.maxCachedConnections = maxCachedConnections
        self.maxErrorBodyBytes = maxErrorBodyBytes
    }
}
