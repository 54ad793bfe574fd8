/// One byte-level request to the upstream, relative to whichever base URL answers it.
///
/// Its `description` never shows the bearer token or the body, so logging a request by accident
/// cannot leak the API key or a patient's words.
public struct UpstreamHTTPRequest: Sendable {
    /// Appended to the base URL, e.g. "/chat/completions".
    public var path: String
    /// "POST" or "GET".
    public var method: String
    public var body: [UInt8]
    /// Sent as `Authorization: Bearer …`; never logged.
    public var bearerToken: String?
    /// Extra headers, e.g. `("Accept", "text/event-stream")`. A header whose name or value holds a
    /// CR or LF is dropped (it could smuggle a second header).
    public var headers: [(String, String)]
    /// When the caller stops waiting for this exchange (e.g. the end of a voice turn): every
    /// attempt, retry and the streamed body must end by then, whatever the configured timeouts.
    public var deadline: ContinuousClock.Instant?

    public init(
        path: String,
        method: String = "POST",
        body: [UInt8] = [],
        bearerToken: String? = nil,
        headers: [(String, String)] = [],
        deadline: ContinuousClock.Instant? = nil
    ) {
        self.path = path
        self.method = method
        self.body = body
        self.bearerToken = bearerToken
        self.headers = headers
        self.deadline = deadline
    }
}

extension UpstreamHTTPRequest: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        let token = bearerToken == nil ? "none" : "<redacted>"
        return "UpstreamHTTPRequest(\(method) \(path), body: \(body.count) bytes, bearer: \(token), headers: \(headers.map(\.0)))"
    }

    public var debugDescription: String { description }
}
