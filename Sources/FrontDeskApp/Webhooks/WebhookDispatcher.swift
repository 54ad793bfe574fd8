import Foundation
import Logging
import CoreMetrics
import Metrics
import Reception
import ServiceLifecycle
import Upstream

/// The background service that delivers every business's outbox events to its webhook
/// endpoints (and turns holds that ran out into `hold.expired` events, the one event no request
/// writes). Each tick, per business: one read asks whether there is anything to do; only then
/// are new events fanned out into deliveries and due deliveries claimed (writes), sent in
/// parallel, and each attempt recorded with what follows (delivered, retry at, abandoned,
/// endpoint turned off). It stops at graceful shutdown; a delivery in flight then is sent
/// again after its lease (at least once, same `webhook-id`).
struct WebhookDispatcher: Service {
    let businesses: Businesses
    let sender: WebhookSender
    let schedule: RetrySchedule
    let pollInterval: Duration
    let logger: Logger

    /// Deliveries sent at once per business and tick.
    static let batch = 16

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await tick()
            try? await Task.sleep(for: pollInterval)
        }
    }

    func tick() async {
        let directory = await businesses.directory()
        for business in directory.businesses.values.sorted(by: { $0.id < $1.id }) {
            guard let runtime = try? await businesses.runtime(for: business) else { continue }
            await deliver(for: runtime)
        }
    }

    private func deliver(for runtime: BusinessRuntime) async {
        let store = runtime.desk.store
        let now = Date()
        do {
            // Holds that ran out become hold.expired events first, so this tick delivers them.
            if try await store.holdsExpired(now: now) { _ = try await store.expireHolds(now: now) }
            let work = try await store.webhookWork(now: now)
            if work.fanOut { _ = try await store.fanOutEvents(now: now) }
            guard work.fanOut || work.due else { return }
            let due = try await store.dueDeliveries(now: Date(), limit: Self.batch)
            await withTaskGroup(of: Void.self) { group in
                for delivery in due {
                    group.addTask { await self.attempt(delivery, store: store, business: runtime.id) }
                }
            }
        } catch {
            logger.error("webhook delivery failed to read or write its state", metadata: ["business": "\(runtime.id)", "error": "\(error)"])
        }
    }

    private func attempt(_ delivery: WebhookDelivery, store: any FrontDeskStore, business: String) async {
        let (attempt, retryAfter) = await sender.send(delivery)
        Timer(label: "frontdesk_webhook_delivery_seconds", dimensions: [("outcome", attempt.succeeded ? "delivered" : "failed")])
            .recordMilliseconds(attempt.latencyMilliseconds)
        let next = schedule.next(after: attempt, attemptNumber: attempt.number, retryAfter: retryAfter, failingSince: delivery.failingSince,
                                 jitter: Double.random(in: 0...1))
        var metadata: Logger.Metadata = [
            "business": "\(business)", "endpoint": "\(delivery.endpointID)", "event": "\(delivery.eventID)", "attempt": "\(attempt.number)",
            "status": "\(attempt.status.map(String.init) ?? attempt.error ?? "-")", "latency_ms": "\(attempt.latencyMilliseconds)",
        ]
        switch next {
        case .delivered: logger.debug("webhook delivered", metadata: metadata)
        case .retry(let at):
            metadata["retry_in_ms"] = "\(Int(at.timeIntervalSince(attempt.at) * 1000))"
            logger.info("webhook attempt failed; will retry", metadata: metadata)
        case .abandon: logger.warning("webhook delivery abandoned after its last attempt", metadata: metadata)
        case .disableEndpoint(let reason):
            metadata["reason"] = "\(reason)"
            logger.error("webhook endpoint disabled; re-enable it with `frontdesk webhook enable`", metadata: metadata)
        }
        do {
            try await store.recordAttempt(attempt, next: next)
        } catch {
            logger.error("could not record a webhook attempt", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }
}
