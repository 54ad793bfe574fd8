/// Why an upstream exchange failed. The one error home of this module: the app maps it to
/// OpenAI's error JSON (4xx kept, 5xx/unreachable → 502, timeouts → 504).
///
/// Descriptions come from curl's error buffer (host and port at most) and never hold the API key.
public enum UpstreamError: Error, Sendable, Equatable {
    /// A non-retryable non-2xx answer, or the last 429/5xx after retries and fallbacks. `body` is
    /// the upstream's error JSON (capped), for the caller to extract the message from.
    case http(status: Int, body: [UInt8])
    case timeout(phase: TimeoutPhase)
    /// Connection refused, DNS, TLS, reset before any response, after retries and fallbacks.
    case unreachable(description: String)
    /// The transfer failed after a 2xx head arrived: the body is incomplete.
    case aborted(description: String)

    /// Which budget ran out.
    public enum TimeoutPhase: String, Sendable, Equatable {
        /// TCP/TLS connect did not finish within `connectTimeout`.
        case connect
        /// No response head within `firstByteTimeout` (or the retry deadline ran out first).
        case firstByte
        /// The whole exchange outlived `totalTimeout` (or the request's own deadline).
        case total
        /// A streaming body fell silent for `idleTimeout` after its head.
        case idle
    }
}

/// The name the brief's API uses (`TimeoutPhase`) without a second declaration.
public typealias TimeoutPhase = UpstreamError.TimeoutPhase
