import Foundation
import Hummingbird
import OpenAIWire
import Reception
import Upstream

/// `/api/v1/events` (catch up on the outbox) and `/api/v1/webhooks` (endpoints, their
/// secrets shown once, tests and attempts). Private and local URLs are never accepted here:
/// only an operator on the server's shell may allow one (`frontdesk webhook add --allow-private`).
struct WebhooksAPIController: Sendable {
    let maxBodyBytes: Int
    let executor: any TaskExecutor

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("events", use: events)
        group.get("webhooks", use: list)
        group.post("webhooks", use: create)
        group.delete("webhooks/:id", use: remove)
        group.post("webhooks/:id/rotate", use: rotate)
        group.post("webhooks/:id/test", use: test)
        group.get("webhooks/:id/attempts", use: attempts)
    }

    /// Events after `after` (a sequence), oldest first.
    @Sendable func events(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let query = QueryParameters(request)
        let after: Int64
        if let text = query.string("after") {
            guard let value = Int64(text), value >= 0 else { throw QueryParameters.invalid("after", "must be a sequence number (0 or more)") }
            after = value
        } else {
            after = 0
        }
        let limit = try query.integer("limit", in: 1...500) ?? 100
        let found = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.events(after: after, limit: limit, for: staff.actor)
        }
        let data = found.map { event -> JSONValue in
            [
                "object": "event", "id": .string(event.eventID), "sequence": StaffJSON.id(event.sequence), "type": .string(event.type),
                "created_at": StaffJSON.utc(event.createdAt), "data": (try? JSONValue(parsing: event.data)) ?? .object([:]),
            ]
        }
        return StaffResponse.json(["object": "list", "data": .array(data), "next_after": found.last.map { StaffJSON.id($0.sequence) } ?? .null])
    }

    @Sendable func list(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let endpoints = try await StaffResponse.attempt { () async throws(FrontDeskError) in try await staff.desk.webhooks(for: staff.actor) }
        return StaffResponse.json(StaffJSON.list(endpoints.map(Self.json), next: nil))
    }

    @Sendable func create(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await JSONBody.read(request, limit: maxBodyBytes)
        let url = try body.string("url")
        guard case .array(let items)? = body.fields["events"] ?? .array([.string("*")]) else {
            throw JSONBody.invalid("events", "must be a list of event types")
        }
        let events = try items.map { item -> String in
            guard let text = item.stringValue else { throw JSONBody.invalid("events", "must be a list of event types") }
            return text
        }
        let includeTranscript: Bool
        switch body.fields["include_transcript"] {
        case nil, .null?: includeTranscript = false
        case .bool(let flag)?: includeTranscript = flag
        default: throw JSONBody.invalid("include_transcript", "must be true or false")
        }
        let refusal = await WebhookURL.refusal(url, executor: executor)
        if let refusal { throw JSONBody.invalid("url", "is refused: \(refusal)") }
        let label = try body.optionalString("label", maxLength: 200)
        let (endpoint, secret) = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.addWebhook(url: url, events: events, includeTranscript: includeTranscript, label: label, for: staff.actor,
                                            now: Date())
        }
        guard case .object(var object) = Self.json(endpoint) else { return StaffResponse.json(.null) }
        object["secret"] = .string(secret)
        return StaffResponse.json(.object(object), status: .created)
    }

    @Sendable func remove(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try StaffResponse.pathID(context, "webhook")
        try await StaffResponse.attempt { () async throws(FrontDeskError) in try await staff.desk.removeWebhook(id: id, for: staff.actor) }
        return Response(status: .noContent)
    }

    @Sendable func rotate(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try StaffResponse.pathID(context, "webhook")
        let secret = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.rotateWebhookSecret(id: id, for: staff.actor, now: Date())
        }
        let endpoint = try await Self.endpoint(id, staff: staff)
        guard case .object(var object) = Self.json(endpoint) else { return StaffResponse.json(.null) }
        object["secret"] = .string(secret)
        return StaffResponse.json(.object(object))
    }

    @Sendable func test(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try StaffResponse.pathID(context, "webhook")
        let event = try await StaffResponse.attempt { () async throws(FrontDeskError) in try await staff.desk.testWebhook(id: id, for: staff.actor, now: Date()) }
        return StaffResponse.json(["object": "event", "id": .string(event), "type": "webhook.test"], status: .accepted)
    }

    @Sendable func attempts(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try StaffResponse.pathID(context, "webhook")
        _ = try await Self.endpoint(id, staff: staff)
        let attempts = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.webhookAttempts(endpointID: id, eventID: nil, for: staff.actor)
        }
        return StaffResponse.json(StaffJSON.list(attempts.map { attempt in
            [
                "object": "webhook_attempt", "event_id": .string(attempt.eventID), "endpoint_id": StaffJSON.id(attempt.endpointID),
                "number": .int(attempt.number), "status": attempt.status.map(JSONValue.int) ?? .null, "error": StaffJSON.optional(attempt.error),
                "latency_ms": .int(attempt.latencyMilliseconds), "response_snippet": StaffJSON.optional(attempt.responseSnippet),
                "at": StaffJSON.utc(attempt.at),
            ]
        }, next: nil))
    }

    static func endpoint(_ id: Int64, staff: StaffAccess) async throws -> WebhookEndpoint {
        let all = try await StaffResponse.attempt { () async throws(FrontDeskError) in try await staff.desk.webhooks(for: staff.actor) }
        guard let found = all.first(where: { $0.id == id }) else {
            throw OpenAIHTTPError(status: .notFound, message: "No such webhook.", type: "invalid_request_error", code: "not_found")
        }
        return found
    }

    static func json(_ endpoint: WebhookEndpoint) -> JSONValue {
        [
            "object": "webhook_endpoint", "id": StaffJSON.id(endpoint.id), "url": .string(endpoint.url),
            "events": .array(endpoint.events.map(JSONValue.string)), "enabled": .bool(endpoint.enabled),
            "disabled_reason": StaffJSON.optional(endpoint.disabledReason), "include_transcript": .bool(endpoint.includeTranscript),
            "label": StaffJSON.optional(endpoint.label), "created_at": StaffJSON.utc(endpoint.createdAt),
        ]
    }
}
