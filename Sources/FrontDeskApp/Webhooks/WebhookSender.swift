import Foundation
import Logging
import OpenAIWire
import Reception
import Upstream

/// Sends one webhook delivery: checks where the URL points (again at send time, since a name
/// can be re-pointed after it was added), signs, POSTs once through the shared libcurl client
/// (no redirects), and says what happened as an attempt to record.
struct WebhookSender: Sendable {
    let outbound: OutboundHTTP
    let timeout: Duration
    let executor: any TaskExecutor
    let logger: Logger

    static let snippetBytes = 512

    func send(_ delivery: WebhookDelivery) async -> (attempt: WebhookAttempt, retryAfter: Duration?) {
        let clock = ContinuousClock()
        let started = clock.now
        let at = Date()
        func attempt(status: Int?, error: String?, snippet: String?) -> WebhookAttempt {
            WebhookAttempt(deliveryID: delivery.id, endpointID: delivery.endpointID, eventID: delivery.eventID, number: delivery.attempts + 1,
                           status: status, error: error, latencyMilliseconds: Int(started.duration(to: clock.now) / .milliseconds(1)),
                           responseSnippet: snippet, at: at)
        }
        let (url, allowPrivate) = (delivery.url, delivery.allowPrivate)
        let refusal = await withTaskExecutorPreference(executor) { () -> String? in
            do throws(OutboundURLPolicy.Refusal) {
                try OutboundURLPolicy.check(url, allowPrivate: allowPrivate)
                return nil
            } catch {
                return error.description
            }
        }
        if let refusal { return (attempt(status: nil, error: "refused: \(refusal)", snippet: nil), nil) }

        let body = WebhookSigner.body(for: delivery)
        let timestamp = Int64(at.timeIntervalSince1970)
        let request = UpstreamHTTPRequest(path: "", method: "POST", body: body, headers: [
            ("Content-Type", "application/json"), ("User-Agent", "FrontDesk-Webhooks/1"), ("webhook-id", delivery.eventID),
            ("webhook-timestamp", "\(timestamp)"),
            ("webhook-signature", WebhookSigner.header(secrets: delivery.secrets, id: delivery.eventID, timestamp: timestamp, body: body)),
        ])
        do {
            let answer = try await outbound.client().exchange(request, url: url, timeout: timeout, maxBodyBytes: Self.snippetBytes, logger: logger)
            let snippet = String(decoding: answer.body, as: UTF8.self)
            let retryAfter = answer.retryAfter ?? answer.header("retry-after").flatMap { Self.retryAfter(httpDate: $0, now: Date()) }
            return (attempt(status: answer.status, error: nil, snippet: snippet.isEmpty ? nil : snippet), retryAfter)
        } catch let error as UpstreamError {
            return (attempt(status: nil, error: Self.describe(error).bounded(300), snippet: nil), nil)
        } catch {
            return (attempt(status: nil, error: "\(error)".bounded(300), snippet: nil), nil)
        }
    }

    /// `Retry-After` as an HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT"), as the wait from now,
    /// at most a day. (Seconds are read by the client already.)
    static func retryAfter(httpDate: String, now: Date) -> Duration? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: httpDate.trimmingCharacters(in: .whitespaces)) else { return nil }
        return .milliseconds(Int64(min(max(date.timeIntervalSince(now), 0), 86_400) * 1000))
    }

    /// What an attempt with no answer ran into, in words for the attempt log.
    static func describe(_ error: UpstreamError) -> String {
        switch error {
        case .timeout(let phase): "timed out (\(phase.rawValue))"
        case .unreachable(let description), .aborted(let description): description
        case .http(let status, _): "HTTP \(status)"
        }
    }
}
