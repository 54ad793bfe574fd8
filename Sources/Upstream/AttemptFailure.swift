/// Why one attempt failed before a usable response head, and what the retry loop may do next.
/// Internal: `send` only ever throws the `UpstreamError` inside it.
struct AttemptFailure: Error, Sendable {
    enum Disposition: Sendable, Equatable {
        /// Transient (refused, reset, connect timeout, 429/5xx): the same URL may be tried again.
        case retrySameURL
        /// Retrying this URL would not help or would spend the budget (first-byte timeout,
        /// TLS failure, malformed URL): move on to the next base URL.
        case nextURL
    }

    var error: UpstreamError
    var disposition: Disposition
}
