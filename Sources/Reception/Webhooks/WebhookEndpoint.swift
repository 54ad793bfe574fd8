import Foundation

/// Where one business's events are sent: a URL, which event types it wants, and whether it is
/// on. Its signing secrets are never part of this value (they are shown once, when made).
public struct WebhookEndpoint: Sendable, Equatable {
    public var id: Int64
    public var url: String
    /// Event types or `prefix.*` globs; `*` for every event.
    public var events: [String]
    public var enabled: Bool
    /// Why it was turned off (`410 Gone`, `failing since …`), when it was.
    public var disabledReason: String?
    /// Send the call's transcript with `call.ended`.
    public var includeTranscript: Bool
    /// The operator allowed a private or local address for it.
    public var allowPrivate: Bool
    public var label: String?
    public var createdAt: Date

    public init(
        id: Int64, url: String, events: [String], enabled: Bool, disabledReason: String?, includeTranscript: Bool, allowPrivate: Bool,
        label: String?, createdAt: Date
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.enabled = enabled
        self.disabledReason = disabledReason
        self.includeTranscript = includeTranscript
        self.allowPrivate = allowPrivate
        self.label = label
        self.createdAt = createdAt
    }

    /// Whether an event of `type` goes to an endpoint subscribed to `patterns`.
    public static func matches(_ patterns: [String], type: String) -> Bool {
        patterns.contains { pattern in
            pattern == "*" || pattern == type || (pattern.hasSuffix(".*") && type.hasPrefix(pattern.dropLast(1)))
        }
    }

    /// A new signing secret: `whsec_` + base64 of 24 random bytes (Standard Webhooks).
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }

    /// Event types an endpoint may subscribe to (globs of them too).
    public static let eventTypes = [
        "booking.created", "booking.rescheduled", "booking.cancelled", "booking.confirmed", "hold.expired", "call.ended",
        "reminder.sent", "reminder.confirmed", "reminder.failed", "webhook.test",
    ]

    /// Checks a subscription list: known types, `prefix.*` of a known prefix, or `*`.
    public static func validEvents(_ patterns: [String]) -> String? {
        guard !patterns.isEmpty else { return "name at least one event type, or *" }
        for pattern in patterns where pattern != "*" {
            let known = pattern.hasSuffix(".*")
                ? eventTypes.contains { $0.hasPrefix(pattern.dropLast(1)) }
                : eventTypes.contains(pattern)
            if !known { return "'\(pattern.prefix(60))' is not an event type (\(eventTypes.joined(separator: ", ")), or a prefix.* of them)" }
        }
        return nil
    }
}

/// One event to send to one endpoint, with what signing and sending it needs.
public struct WebhookDelivery: Sendable, Equatable {
    public var id: Int64
    public var endpointID: Int64
    public var url: String
    public var allowPrivate: Bool
    /// The current secret first, then the previous one while a rotation is in progress.
    public var secrets: [String]
    /// The outbox event id (`evt_…`): the `webhook-id`, the same on every attempt.
    public var eventID: String
    public var type: String
    public var eventCreatedAt: Date
    /// The event's data (JSON text).
    public var data: String
    /// How many attempts were made before this one.
    public var attempts: Int
    /// When the endpoint started failing without a success since (nil while it succeeds).
    public var failingSince: Date?

    public init(
        id: Int64, endpointID: Int64, url: String, allowPrivate: Bool, secrets: [String], eventID: String, type: String, eventCreatedAt: Date,
        data: String, attempts: Int, failingSince: Date?
    ) {
        self.id = id
        self.endpointID = endpointID
        self.url = url
        self.allowPrivate = allowPrivate
        self.secrets = secrets
        self.eventID = eventID
        self.type = type
        self.eventCreatedAt = eventCreatedAt
        self.data = data
        self.attempts = attempts
        self.failingSince = failingSince
    }
}

/// What one delivery attempt came to, as it is recorded.
public struct WebhookAttempt: Sendable, Equatable {
    public var deliveryID: Int64
    public var endpointID: Int64
    public var eventID: String
    public var number: Int
    /// The HTTP status, when there was an answer.
    public var status: Int?
    /// Why there was no (usable) answer: a timeout, a refused connection, a refused URL.
    public var error: String?
    public var latencyMilliseconds: Int
    /// The start of the response body.
    public var responseSnippet: String?
    public var at: Date

    public init(
        deliveryID: Int64, endpointID: Int64, eventID: String, number: Int, status: Int?, error: String?, latencyMilliseconds: Int,
        responseSnippet: String?, at: Date
    ) {
        self.deliveryID = deliveryID
        self.endpointID = endpointID
        self.eventID = eventID
        self.number = number
        self.status = status
        self.error = error
        self.latencyMilliseconds = latencyMilliseconds
        self.responseSnippet = responseSnippet
        self.at = at
    }

    public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// After an attempt: try again then, give up, or turn the endpoint off.
public enum DeliveryNext: Sendable, Equatable {
    case delivered
    case retry(at: Date)
    /// Every scheduled attempt failed.
    case abandon
    /// The endpoint is turned off (`410 Gone`, days of failure); the delivery waits for it.
    case disableEndpoint(reason: String)
}
