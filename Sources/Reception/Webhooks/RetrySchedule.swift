import Foundation

/// When a failed webhook delivery is tried again: after each wait in turn (default 5 s, 5 min,
/// 30 min, 2 h, 5 h, 10 h, 10 h: about a day and a half), each jittered by ±20 % so that many
/// deliveries failing together do not retry together. A `Retry-After` from the receiver
/// replaces the scheduled wait. After the last wait the delivery is abandoned.
public struct RetrySchedule: Sendable, Equatable {
    public var waits: [Duration]
    /// An endpoint failing with no success for this long is turned off.
    public var disableAfter: Duration

    public static let standard = RetrySchedule(
        waits: [.seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18_000), .seconds(36_000), .seconds(36_000)],
        disableAfter: .seconds(3 * 86_400))

    public init(waits: [Duration], disableAfter: Duration) {
        self.waits = waits
        self.disableAfter = disableAfter
    }

    /// What to do after attempt number `attempt` (1-based) came to `outcome`.
    /// - Parameter jitter: in 0...1 (0.5 = no jitter).
    public func next(
        after attempt: WebhookAttempt, attemptNumber: Int, retryAfter: Duration?, failingSince: Date?, jitter: Double
    ) -> DeliveryNext {
        if attempt.succeeded { return .delivered }
        if attempt.status == 410 { return .disableEndpoint(reason: "410 Gone") }
        let since = failingSince ?? attempt.at
        if attempt.at.timeIntervalSince(since) >= disableAfter.seconds {
            return .disableEndpoint(reason: "failing since \(ISO8601DateFormatter().string(from: since))")
        }
        guard attemptNumber <= waits.count else { return .abandon }
        let wait = retryAfter ?? waits[attemptNumber - 1] * (0.8 + 0.4 * min(max(jitter, 0), 1))
        // The wait runs from when the attempt ended (a timeout can take longer than a short wait).
        let ended = attempt.at.addingTimeInterval(Double(attempt.latencyMilliseconds) / 1000)
        return .retry(at: ended.addingTimeInterval(wait.seconds))
    }

    /// "5s,5m,30m,2h" (units ms, s, m, h, d); nil when any part does not read.
    public static func durations(_ text: String) -> [Duration]? {
        var result: [Duration] = []
        for part in text.split(separator: ",") {
            guard let duration = duration(String(part).trimmingCharacters(in: .whitespaces)) else { return nil }
            result.append(duration)
        }
        return result.isEmpty ? nil : result
    }

    public static func duration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (unit, scale) in units where text.hasSuffix(unit) {
            guard let value = Double(text.dropLast(unit.count)), value >= 0, value.isFinite else { return nil }
            return .milliseconds(Int64((value * scale * 1000).rounded()))
        }
        return nil
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
