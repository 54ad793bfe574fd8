import NIOCore

extension TimeAmount {
    /// NIO's time amount for a Swift `Duration` (configuration is read as `Duration`).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
