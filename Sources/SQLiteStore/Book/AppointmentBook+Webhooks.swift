import Foundation
import Reception
import Scheduling

/// Webhook endpoints and deliveries, in the business's own file next to the outbox they
/// deliver: fanning out and recording attempts are transactions like any other write, so a
/// crash can repeat a send (receivers de-duplicate by `webhook-id`) but never lose an event.
extension AppointmentBook {
    // MARK: - Endpoints

    public func addWebhook(
        url: String, events: [String], includeTranscript: Bool, allowPrivate: Bool, label: String?, secret: String, now: Date
    ) throws -> WebhookEndpoint {
        try write { db in
            try db.run("""
                INSERT INTO webhook_endpoints (url, events, secret, include_transcript, allow_private, label, start_after, created_at)
                VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM outbox), ?)
                """, [v(url), v(Self.jsonList(events)), v(secret), v(includeTranscript), v(allowPrivate), v(label), v(now.unixSeconds)])
            return try Self.endpoint(db.lastInsertRowID, db: db)!
        }
    }

    public func webhooks() throws -> [WebhookEndpoint] {
        try read { db in try db.all("SELECT \(Self.endpointColumns) FROM webhook_endpoints ORDER BY id", [], Self.endpointRow) }
    }

    public func removeWebhook(id: Int64) throws {
        try write { db in
            guard try db.run("DELETE FROM webhook_endpoints WHERE id = ?", [v(id)]) == 1 else { throw SchedulingError.notFound("webhook") }
        }
    }

    /// Turns an endpoint back on; its waiting deliveries go out at once.
    public func enableWebhook(id: Int64, now: Date) throws {
        try write { db in
            guard try db.run("UPDATE webhook_endpoints SET enabled = 1, disabled_reason = NULL, failing_since = NULL WHERE id = ?", [v(id)]) == 1
            else { throw SchedulingError.notFound("webhook") }
            try db.run("UPDATE webhook_deliveries SET next_attempt_at_ms = ? WHERE endpoint_id = ? AND state = 'pending'",
                       [v(now.unixMilliseconds), v(id)])
        }
    }

    public func rotateWebhookSecret(id: Int64, secret: String, previousUntil: Date, now: Date) throws {
        try write { db in
            guard try db.run("""
                UPDATE webhook_endpoints SET previous_secret = secret, previous_until = ?, secret = ? WHERE id = ?
                """, [v(previousUntil.unixSeconds), v(secret), v(id)]) == 1
            else { throw SchedulingError.notFound("webhook") }
        }
    }

    /// A `webhook.test` event for endpoint `id` only (fan-out sends it nowhere else).
    public func emitWebhookTest(id: Int64, now: Date) throws -> String {
        try write { db in
            guard try Self.endpoint(id, db: db) != nil else { throw SchedulingError.notFound("webhook") }
            try db.run("INSERT INTO outbox (type, appointment_id, data, created_at) VALUES ('webhook.test', NULL, ?, ?)",
                       [v(#"{"endpoint_id":\#(id)}"#), v(now.unixSeconds)])
            return try db.first("SELECT event_id FROM outbox WHERE id = ?", [v(db.lastInsertRowID)]) { $0.text(0) } ?? ""
        }
    }

    // MARK: - Delivery

    /// Whether the delivery service has anything to do here (a read, so an idle business costs
    /// no write lock): new events to fan out to endpoints, or deliveries due.
    public func webhookWork(now: Date) throws -> (fanOut: Bool, due: Bool) {
        try read { db in
            try db.first("""
                SELECT EXISTS (SELECT 1 FROM webhook_endpoints)
                           AND coalesce((SELECT max(id) FROM outbox), 0) > (SELECT outbox_id FROM webhook_cursor WHERE id = 1),
                       EXISTS (SELECT 1 FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                               WHERE d.state = 'pending' AND d.next_attempt_at_ms <= ? AND e.enabled = 1)
                """, [v(now.unixMilliseconds)]) { ($0.bool(0), $0.bool(1)) } ?? (false, false)
        }
    }

    /// One delivery per (endpoint, new outbox event) the endpoint subscribes to, and the cursor
    /// moved past those events, in one transaction (at most 500 events per call).
    public func fanOutEvents(now: Date) throws -> Int {
        try write { db in
            let cursor: Int64 = try db.first("SELECT outbox_id FROM webhook_cursor WHERE id = 1") { $0.int(0) } ?? 0
            let events = try db.all("SELECT id, type, data FROM outbox WHERE id > ? ORDER BY id LIMIT 500", [v(cursor)]) {
                (id: $0.int(0) as Int64, type: $0.text(1) as String, data: $0.text(2) as String)
            }
            guard let last = events.last?.id else { return 0 }
            let endpoints = try db.all("SELECT id, events, start_after FROM webhook_endpoints") {
                (id: $0.int(0) as Int64, events: Self.list($0.text(1)), startAfter: $0.int(2) as Int64)
            }
            var created = 0
            for event in events {
                let testTarget = event.type == "webhook.test" ? Self.endpointID(inTestData: event.data) : nil
                for endpoint in endpoints where event.id > endpoint.startAfter {
                    if event.type == "webhook.test" ? testTarget != endpoint.id : !WebhookEndpoint.matches(endpoint.events, type: event.type) {
                        continue
                    }
                    created += try db.run("""
                        INSERT OR IGNORE INTO webhook_deliveries (endpoint_id, outbox_id, state, next_attempt_at_ms) VALUES (?, ?, 'pending', ?)
                        """, [v(endpoint.id), v(event.id), v(now.unixMilliseconds)])
                }
            }
            try db.run("UPDATE webhook_cursor SET outbox_id = ? WHERE id = 1", [v(last)])
            return created
        }
    }

    /// Claims the pending deliveries due by `now` (to enabled endpoints, oldest event first):
    /// each is pushed `lease` into the future, so another process on the file does not send it
    /// at the same time, and a process that dies mid-send leaves it due again after the lease.
    public func claimDueDeliveries(now: Date, limit: Int, lease: TimeInterval) throws -> [WebhookDelivery] {
        try write { db in
            let due = try db.all("""
                SELECT d.id, d.endpoint_id, e.url, e.allow_private, e.secret, e.previous_secret, e.previous_until,
                       o.event_id, o.type, o.created_at, \(Self.deliveredData), d.attempts, e.failing_since
                FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN outbox o ON o.id = d.outbox_id
                WHERE d.state = 'pending' AND d.next_attempt_at_ms <= ? AND e.enabled = 1
                ORDER BY d.next_attempt_at_ms, d.outbox_id LIMIT ?
                """, [v(now.unixMilliseconds), v(limit)]) { row -> WebhookDelivery in
                var secrets = [row.text(4) as String]
                if let previous = row.optionalText(5), (row.optionalInt(6) ?? 0) > now.unixSeconds { secrets.append(previous) }
                return WebhookDelivery(
                    id: row.int(0), endpointID: row.int(1), url: row.text(2), allowPrivate: row.bool(3), secrets: secrets, eventID: row.text(7),
                    type: row.text(8), eventCreatedAt: Date(unixSeconds: row.int(9)), data: row.text(10), attempts: row.int(11),
                    failingSince: row.optionalInt(12).map(Date.init(unixSeconds:)))
            }
            for delivery in due {
                try db.run("UPDATE webhook_deliveries SET next_attempt_at_ms = ? WHERE id = ?",
                           [v(now.unixMilliseconds + Int64((lease * 1000).rounded(.up))), v(delivery.id)])
            }
            return due
        }
    }

    /// Records an attempt and what follows from it: delivered, retried later, abandoned, or the
    /// endpoint turned off (its deliveries then wait for `enableWebhook`).
    public func recordAttempt(_ attempt: WebhookAttempt, next: DeliveryNext) throws {
        try write { db in
            try db.run("""
                INSERT INTO webhook_attempts (delivery_id, number, status, error, latency_ms, response_snippet, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [v(attempt.deliveryID), v(attempt.number), v(attempt.status), v(attempt.error), v(max(0, attempt.latencyMilliseconds)),
                      v(attempt.responseSnippet), v(attempt.at.unixSeconds)])
            let at = attempt.at.unixSeconds
            switch next {
            case .delivered:
                try db.run("UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = ? WHERE id = ?",
                           [v(at), v(attempt.deliveryID)])
                try db.run("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ?", [v(attempt.endpointID)])
            case .retry(let when):
                try db.run("UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at_ms = ? WHERE id = ?",
                           [v(when.unixMilliseconds), v(attempt.deliveryID)])
                try db.run("UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ?) WHERE id = ?", [v(at), v(attempt.endpointID)])
            case .abandon:
                try db.run("UPDATE webhook_deliveries SET state = 'abandoned', attempts = attempts + 1 WHERE id = ?", [v(attempt.deliveryID)])
                try db.run("UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ?) WHERE id = ?", [v(at), v(attempt.endpointID)])
            case .disableEndpoint(let reason):
                try db.run("UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at_ms = ? WHERE id = ?",
                           [v(attempt.at.unixMilliseconds), v(attempt.deliveryID)])
                try db.run("""
                    UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, failing_since = coalesce(failing_since, ?) WHERE id = ?
                    """, [v(reason), v(at), v(attempt.endpointID)])
            }
        }
    }

    /// Queues events again: one by id, or those written in [since, until]; to every endpoint
    /// whose subscription matches them now (an endpoint added later too: a replay can backfill
    /// it), or to one.
    public func replayEvents(eventID: String?, since: Date?, until: Date?, endpointID: Int64?, now: Date) throws -> Int {
        try write { db in
            let events = try db.all("""
                SELECT id, type, data FROM outbox
                WHERE (?1 IS NULL OR event_id = ?1) AND (?2 IS NULL OR created_at >= ?2) AND (?3 IS NULL OR created_at <= ?3) ORDER BY id
                """, [v(eventID), v(since?.unixSeconds), v(until?.unixSeconds)]) {
                (id: $0.int(0) as Int64, type: $0.text(1) as String, data: $0.text(2) as String)
            }
            if let eventID, events.isEmpty { throw SchedulingError.notFound("event \(eventID.prefix(40))") }
            let endpoints = try db.all("SELECT id, events FROM webhook_endpoints WHERE ?1 IS NULL OR id = ?1", [v(endpointID)]) {
                (id: $0.int(0) as Int64, events: Self.list($0.text(1)))
            }
            if let endpointID, endpoints.isEmpty { throw SchedulingError.notFound("webhook \(endpointID)") }
            var queued = 0
            for event in events {
                let testTarget = event.type == "webhook.test" ? Self.endpointID(inTestData: event.data) : nil
                for endpoint in endpoints {
                    let wanted = event.type == "webhook.test" ? testTarget == endpoint.id : WebhookEndpoint.matches(endpoint.events, type: event.type)
                    guard wanted else { continue }
                    try db.run("""
                        INSERT INTO webhook_deliveries (endpoint_id, outbox_id, state, next_attempt_at_ms) VALUES (?1, ?2, 'pending', ?3)
                        ON CONFLICT (endpoint_id, outbox_id) DO UPDATE SET state = 'pending', next_attempt_at_ms = ?3
                        """, [v(endpoint.id), v(event.id), v(now.unixMilliseconds)])
                    queued += 1
                }
            }
            return queued
        }
    }

    public func webhookAttempts(endpointID: Int64?, eventID: String?, limit: Int) throws -> [WebhookAttempt] {
        try read { db in
            try db.all("""
                SELECT a.delivery_id, d.endpoint_id, o.event_id, a.number, a.status, a.error, a.latency_ms, a.response_snippet, a.created_at
                FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN outbox o ON o.id = d.outbox_id
                WHERE (?1 IS NULL OR d.endpoint_id = ?1) AND (?2 IS NULL OR o.event_id = ?2) ORDER BY a.id LIMIT ?3
                """, [v(endpointID), v(eventID), v(limit)]) { row in
                WebhookAttempt(deliveryID: row.int(0), endpointID: row.int(1), eventID: row.text(2), number: row.int(3),
                               status: row.optionalInt(4).map { Int($0) }, error: row.optionalText(5), latencyMilliseconds: row.int(6),
                               responseSnippet: row.optionalText(7), at: Date(unixSeconds: row.int(8)))
            }
        }
    }

    /// The event's data as sent: a `call.ended` to an endpoint that asked for transcripts gets
    /// the call's turns (what the caller said, what was answered), read when it is sent.
    static let deliveredData = """
        CASE WHEN o.type = 'call.ended' AND e.include_transcript = 1
             THEN json_set(o.data, '$.transcript', json((
                 SELECT json_group_array(json_object('caller_text', t.caller_text, 'answer', t.answer))
                 FROM (SELECT caller_text, answer FROM call_turns WHERE call_id = json_extract(o.data, '$.call_id') ORDER BY id) t)))
             ELSE o.data END
        """

    // MARK: - Rows

    static let endpointColumns = "id, url, events, enabled, disabled_reason, include_transcript, allow_private, label, created_at"

    static func endpointRow(_ row: SQLiteRow) -> WebhookEndpoint {
        WebhookEndpoint(id: row.int(0), url: row.text(1), events: list(row.text(2)), enabled: row.bool(3), disabledReason: row.optionalText(4),
                        includeTranscript: row.bool(5), allowPrivate: row.bool(6), label: row.optionalText(7),
                        createdAt: Date(unixSeconds: row.int(8)))
    }

    static func endpoint(_ id: Int64, db: SQLiteConnection) throws -> WebhookEndpoint? {
        try db.first("SELECT \(endpointColumns) FROM webhook_endpoints WHERE id = ?", [v(id)], endpointRow)
    }

    static func jsonList(_ items: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(items)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func list(_ json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }

    static func endpointID(inTestData data: String) -> Int64? {
        ((try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any])?["endpoint_id"].flatMap { ($0 as? NSNumber)?.int64Value }
    }
}

extension AppointmentBook {
    /// Whether a hold has run out without being booked (a read: idle costs no write lock).
    public func holdsExpired(now: Date) throws -> Bool {
        try read { db in
            try db.first("SELECT EXISTS (SELECT 1 FROM holds WHERE status = 'active' AND expires_at <= ?)", [v(now.unixSeconds)]) { $0.bool(0) }
                ?? false
        }
    }

    /// Releases the holds that ran out and writes a `hold.expired` event for each, in one
    /// transaction (availability already ignored them; this makes the fact an event).
    public func expireHolds(now: Date) throws -> Int {
        try write { db in
            let zone = try schedule(db).clock.timeZone
            let expired = try db.all("""
                SELECT id, conversation_id, provider_id, service_id, location_id, start_utc, end_utc, expires_at FROM holds
                WHERE status = 'active' AND expires_at <= ? ORDER BY id LIMIT 200
                """, [v(now.unixSeconds)]) { row in
                (id: row.int(0) as Int64, conversation: row.text(1) as String, provider: row.text(2) as String, service: row.text(3) as String,
                 location: row.text(4) as String, start: row.int(5) as Int64, end: row.int(6) as Int64, expires: row.int(7) as Int64)
            }
            let utc = ISO8601DateFormatter()
            let local = ISO8601DateFormatter()
            local.timeZone = zone
            for hold in expired {
                try db.run("UPDATE holds SET status = 'released' WHERE id = ? AND status = 'active'", [v(hold.id)])
                let start = Date(unixSeconds: hold.start), end = Date(unixSeconds: hold.end)
                let data: [String: Any] = [
                    "hold_id": hold.id, "conversation_id": hold.conversation, "provider_id": hold.provider, "service_id": hold.service,
                    "location_id": hold.location, "start_utc": utc.string(from: start), "end_utc": utc.string(from: end),
                    "start_local": local.string(from: start), "end_local": local.string(from: end), "time_zone": zone.identifier,
                    "expired_at": utc.string(from: Date(unixSeconds: hold.expires)),
                ]
                let json = try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys, .withoutEscapingSlashes])
                try db.run("INSERT INTO outbox (type, appointment_id, data, created_at) VALUES ('hold.expired', NULL, ?, ?)",
                           [v(String(decoding: json, as: UTF8.self)), v(now.unixSeconds)])
            }
            return expired.count
        }
    }
}
