/// A 2xx response head from the upstream; its body may still be arriving.
public struct UpstreamHTTPResponse: Sendable {
    public let status: Int
    /// In the order received, names as the upstream spelled them.
    public let headers: [(name: String, value: String)]
    /// Single-pass: iterate it once (or `collect` it). Dropping it unread cancels the transfer.
    public let body: UpstreamBody
    /// The base URL (as configured) that answered: the primary or one of the fallbacks.
    public let baseURL: String

    public init(status: Int, headers: [(name: String, value: String)], body: UpstreamBody, baseURL: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.baseURL = baseURL
    }

    /// The first header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
