import Foundation
@testable import FrontDeskApp
import Reception
import Testing
@testable import Upstream

/// Webhook signing against the Standard Webhooks specification's own example, the retry
/// schedule's decisions, and which URLs may receive webhooks.
@Suite("Webhook signing, retry decisions and URL policy")
struct WebhookSigningTests {
    @Test func theSignatureMatchesTheStandardWebhooksExample() {
        // The example in the Standard Webhooks specification (spec/standard-webhooks.md).
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let signature = WebhookSigner.signature(
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        // While a rotation is on, one entry per secret, the newest first.
        let both = WebhookSigner.header(secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
                                        id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body)
        #expect(both.split(separator: " ").count == 2 && both.hasPrefix("v1,g0hM9SsE"))
    }

    @Test func theBodyCarriesTheEventsOwnDataTypeAndTime() throws {
        let delivery = WebhookDelivery(id: 1, endpointID: 2, url: "https://example.com", allowPrivate: false, secrets: [], eventID: "evt_1",
                                       type: "booking.created", eventCreatedAt: Date(timeIntervalSince1970: 1_780_000_000),
                                       data: #"{"appointment_id":7}"#, attempts: 0, failingSince: nil)
        let body = try JSONSerialization.jsonObject(with: Data(WebhookSigner.body(for: delivery))) as? [String: Any]
        #expect(body?["type"] as? String == "booking.created")
        #expect(body?["timestamp"] as? String == "2026-05-28T20:26:40Z")
        #expect((body?["data"] as? [String: Any])?["appointment_id"] as? Int == 7)
    }

    @Test func theScheduleRetriesHonoursRetryAfterTurnsOffOn410AndAfterDaysOfFailureAndGivesUpAtTheEnd() {
        let schedule = RetrySchedule(waits: [.seconds(5), .seconds(300)], disableAfter: .seconds(3 * 86_400))
        let at = Date(timeIntervalSince1970: 1_780_000_000)
        func attempt(_ status: Int?) -> WebhookAttempt {
            WebhookAttempt(deliveryID: 1, endpointID: 1, eventID: "evt", number: 1, status: status, error: status == nil ? "timeout" : nil,
                           latencyMilliseconds: 3, responseSnippet: nil, at: at)
        }
        #expect(schedule.next(after: attempt(204), attemptNumber: 1, retryAfter: nil, failingSince: nil, jitter: 0.5) == .delivered)
        // Waits run from the end of the attempt (3 ms here)
        #expect(schedule.next(after: attempt(500), attemptNumber: 1, retryAfter: nil, failingSince: nil, jitter: 0.5) == .retry(at: at + 5.003))
        #expect(schedule.next(after: attempt(nil), attemptNumber: 2, retryAfter: nil, failingSince: nil, jitter: 1) == .retry(at: at + 360.003))
        #expect(schedule.next(after: attempt(429), attemptNumber: 1, retryAfter: .seconds(90), failingSince: nil, jitter: 0) == .retry(at: at + 90.003))
        let now = Date(timeIntervalSince1970: 1_780_000_000)  // Thu, 28 May 2026 20:26:40 GMT
        #expect(WebhookSender.retryAfter(httpDate: "Thu, 28 May 2026 20:27:10 GMT", now: now) == .seconds(30))
        #expect(WebhookSender.retryAfter(httpDate: "soon", now: now) == nil)
        #expect(schedule.next(after: attempt(503), attemptNumber: 3, retryAfter: nil, failingSince: nil, jitter: 0.5) == .abandon)
        #expect(schedule.next(after: attempt(410), attemptNumber: 1, retryAfter: nil, failingSince: nil, jitter: 0.5)
            == .disableEndpoint(reason: "410 Gone"))
        guard case .disableEndpoint = schedule.next(after: attempt(500), attemptNumber: 1, retryAfter: nil,
                                                    failingSince: at - 3 * 86_400, jitter: 0.5) else {
            Issue.record("three days of failure turn the endpoint off")
            return
        }
        #expect(RetrySchedule.durations("300ms, 5s,2m,1h,1d") == [.milliseconds(300), .seconds(5), .seconds(120), .seconds(3600), .seconds(86_400)])
        #expect(RetrySchedule.durations("5 parsecs") == nil)
    }

    @Test func subscriptionsMatchTypesAndPrefixes() {
        #expect(WebhookEndpoint.matches(["booking.*"], type: "booking.created"))
        #expect(!WebhookEndpoint.matches(["booking.*"], type: "call.ended"))
        #expect(WebhookEndpoint.matches(["*"], type: "call.ended"))
        #expect(WebhookEndpoint.matches(["call.ended", "hold.expired"], type: "hold.expired"))
        #expect(WebhookEndpoint.validEvents(["booking.*", "call.ended"]) == nil)
        #expect(WebhookEndpoint.validEvents(["bookings"]) != nil)
        #expect(WebhookEndpoint.validEvents([]) != nil)
        #expect(WebhookEndpoint.newSecret().hasPrefix("whsec_"))
    }

    @Test func onlyPublicHttpURLsReceiveWebhooksUnlessPrivateOnesAreAllowed() throws {
        for url in ["http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]/x", "http://10.1.2.3/", "http://192.168.0.10",
                    "http://172.20.1.1", "http://169.254.169.254/latest/meta-data", "http://100.64.0.1", "http://0.0.0.0",
                    "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/"] {
            #expect(throws: OutboundURLPolicy.Refusal.self, "\(url)") { try OutboundURLPolicy.check(url, allowPrivate: false) }
            #expect(throws: Never.self, "\(url)") { try OutboundURLPolicy.check(url, allowPrivate: true) }
        }
        #expect(throws: OutboundURLPolicy.Refusal.self) { try OutboundURLPolicy.check("ftp://example.com/", allowPrivate: true) }
        #expect(throws: OutboundURLPolicy.Refusal.self) { try OutboundURLPolicy.check("http://", allowPrivate: true) }
        #expect(try OutboundURLPolicy.host(of: "https://user:pw@hooks.example.com:8443/path?q") == "hooks.example.com")
        #expect(OutboundURLPolicy.isPrivate("8.8.8.8") == false)
        #expect(OutboundURLPolicy.isPrivate("2606:4700::1111") == false)
    }
}
