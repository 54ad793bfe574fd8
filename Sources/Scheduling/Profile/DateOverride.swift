/// A date that differs from the weekly pattern: closed, or open with custom hours;
/// business-wide when `provider` is nil, else for that provider only.
public struct DateOverride: Codable, Sendable, Equatable {
    /// "YYYY-MM-DD", business-local.
    public var date: String
    public var closed: Bool
    public var open: String?
    public var close: String?
    public var provider: String?
    public var reason: String?

    public init(date: String, closed: Bool, open: String? = nil, close: String? = nil, provider: String? = nil, reason: String? = nil) {
        self.date = date
        self.closed = closed
        self.open = open
        self.close = close
        self.provider = provider
        self.reason = reason
    }
}
