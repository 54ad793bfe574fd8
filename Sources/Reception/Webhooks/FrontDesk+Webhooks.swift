import Foundation
import Scheduling

/// Managing a business's webhook endpoints (the CLI, the REST API, the console): staff and the
/// system only. Where a URL may point is checked by the caller, which can resolve names.
extension FrontDesk {
    /// Adds an endpoint; returns it with its secret (shown once).
    public func addWebhook(
        url: String, events: [String], includeTranscript: Bool = false, allowPrivate: Bool = false, label: String? = nil,
        for actor: FrontDeskActor, now: Date
    ) async throws(FrontDeskError) -> (endpoint: WebhookEndpoint, secret: String) {
        try requireStaff(actor)
        if let problem = WebhookEndpoint.validEvents(events) { throw .refused(.invalid(field: "events", message: problem)) }
        let secret = WebhookEndpoint.newSecret()
        let endpoint = try await attempt {
            try await store.addWebhook(url: url, events: events, includeTranscript: includeTranscript, allowPrivate: allowPrivate,
                                       label: label, secret: secret, now: now)
        }
        return (endpoint, secret)
    }

    public func webhooks(for actor: FrontDeskActor) async throws(FrontDeskError) -> [WebhookEndpoint] {
        try requireStaff(actor)
        return try await attempt { try await store.webhooks() }
    }

    public func removeWebhook(id: Int64, for actor: FrontDeskActor) async throws(FrontDeskError) {
        try requireStaff(actor)
        try await attempt { try await store.removeWebhook(id: id) }
    }

    public func enableWebhook(id: Int64, for actor: FrontDeskActor, now: Date) async throws(FrontDeskError) {
        try requireStaff(actor)
        try await attempt { try await store.enableWebhook(id: id, now: now) }
    }

    /// A new secret; deliveries carry both signatures for the next 24 hours.
    public func rotateWebhookSecret(id: Int64, for actor: FrontDeskActor, now: Date) async throws(FrontDeskError) -> String {
        try requireStaff(actor)
        let secret = WebhookEndpoint.newSecret()
        try await attempt { try await store.rotateWebhookSecret(id: id, secret: secret, previousUntil: now.addingTimeInterval(86_400), now: now) }
        return secret
    }

    /// Sends a `webhook.test` event to one endpoint; returns its event id.
    public func testWebhook(id: Int64, for actor: FrontDeskActor, now: Date) async throws(FrontDeskError) -> String {
        try requireStaff(actor)
        return try await attempt { try await store.emitWebhookTest(id: id, now: now) }
    }

    public func replayEvents(
        eventID: String?, since: Date?, until: Date?, endpointID: Int64?, for actor: FrontDeskActor, now: Date
    ) async throws(FrontDeskError) -> Int {
        try requireStaff(actor)
        return try await attempt { try await store.replayEvents(eventID: eventID, since: since, until: until, endpointID: endpointID, now: now) }
    }

    public func webhookAttempts(endpointID: Int64?, eventID: String?, limit: Int = 200, for actor: FrontDeskActor) async throws(FrontDeskError)
        -> [WebhookAttempt]
    {
        try requireStaff(actor)
        return try await attempt { try await store.webhookAttempts(endpointID: endpointID, eventID: eventID, limit: limit) }
    }
}
