import Foundation
import Reception
import SQLiteStore
import Scheduling
import Testing

/// The business file keeps webhook state like any other write: each event becomes one
/// delivery per subscribed endpoint, claims keep a delivery from being sent twice at once,
/// and attempts move it along (delivered, retried, abandoned, endpoint turned off).
@Suite("Webhook deliveries in the business file")
struct WebhookDeliveryStoreTests {
    static func book(_ patient: inout Patient?) throws -> AppointmentBook {
        let book = try TestBook.make()
        patient = try TestBook.patient(book)
        return book
    }

    static func booking(_ book: AppointmentBook, _ patient: Patient, _ time: String) throws -> Appointment {
        try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "bob", start: TestBook.local("2026-03-03", time)),
                      now: TestBook.now)
    }

    @Test func eventsFanOutToSubscribedEndpointsOnceAndOnlyAfterTheyWereAdded() throws {
        var patient: Patient?
        let book = try Self.book(&patient)
        _ = try Self.booking(book, patient!, "09:00")  // before any endpoint: never delivered
        let bookings = try book.addWebhook(url: "https://a.example/h", events: ["booking.*"], includeTranscript: false, allowPrivate: false,
                                           label: nil, secret: "whsec_AAAA", now: TestBook.now)
        let calls = try book.addWebhook(url: "https://b.example/h", events: ["call.ended"], includeTranscript: false, allowPrivate: false,
                                        label: nil, secret: "whsec_BBBB", now: TestBook.now)
        let booked = try Self.booking(book, patient!, "10:00")
        let testEvent = try book.emitWebhookTest(id: calls.id, now: TestBook.now)
        // When the outbox is fanned out twice
        #expect(try book.webhookWork(now: TestBook.now).fanOut)
        #expect(try book.fanOutEvents(now: TestBook.now) == 2)
        #expect(try book.fanOutEvents(now: TestBook.now) == 0)
        #expect(try book.webhookWork(now: TestBook.now).fanOut == false)
        // Then the booking went to the booking endpoint, the test event to its own endpoint only
        let due = try book.claimDueDeliveries(now: TestBook.now, limit: 10, lease: 30)
        #expect(due.map(\.endpointID).sorted() == [bookings.id, calls.id])
        #expect(due.first { $0.endpointID == bookings.id }?.data.contains("\"appointment_id\":\(booked.id)") == true)
        #expect(due.first { $0.endpointID == calls.id }?.eventID == testEvent)
        // and a claimed delivery is not handed out again until its lease ends
        #expect(try book.claimDueDeliveries(now: TestBook.now, limit: 10, lease: 30).isEmpty)
        #expect(try book.claimDueDeliveries(now: TestBook.now.addingTimeInterval(31), limit: 10, lease: 30).count == 2)
    }

    @Test func attemptsDeliverRetryAbandonOrTurnTheEndpointOffAndReplayQueuesAgain() throws {
        var patient: Patient?
        let book = try Self.book(&patient)
        let endpoint = try book.addWebhook(url: "https://a.example/h", events: ["*"], includeTranscript: false, allowPrivate: false,
                                           label: "crm", secret: "whsec_AAAA", now: TestBook.now)
        _ = try Self.booking(book, patient!, "10:00")
        _ = try book.fanOutEvents(now: TestBook.now)
        let delivery = try #require(try book.claimDueDeliveries(now: TestBook.now, limit: 1, lease: 30).first)
        func attempt(_ status: Int, _ number: Int, _ at: Date) -> WebhookAttempt {
            WebhookAttempt(deliveryID: delivery.id, endpointID: endpoint.id, eventID: delivery.eventID, number: number, status: status,
                           error: nil, latencyMilliseconds: 4, responseSnippet: "nope", at: at)
        }
        // A failure: retried at the given time, and the endpoint is failing since then
        try book.recordAttempt(attempt(500, 1, TestBook.now), next: .retry(at: TestBook.now.addingTimeInterval(5)))
        #expect(try book.claimDueDeliveries(now: TestBook.now.addingTimeInterval(4), limit: 1, lease: 30).isEmpty)
        let again = try #require(try book.claimDueDeliveries(now: TestBook.now.addingTimeInterval(6), limit: 1, lease: 30).first)
        #expect(again.attempts == 1 && again.failingSince == TestBook.now)
        // 410: the endpoint is off and nothing is handed out for it
        try book.recordAttempt(attempt(410, 2, TestBook.now.addingTimeInterval(6)), next: .disableEndpoint(reason: "410 Gone"))
        #expect(try book.webhooks().first?.enabled == false && book.webhooks().first?.disabledReason == "410 Gone")
        #expect(try book.claimDueDeliveries(now: TestBook.now.addingTimeInterval(100), limit: 1, lease: 30).isEmpty)
        // enabling it sends the waiting delivery at once; a success clears the failing mark
        try book.enableWebhook(id: endpoint.id, now: TestBook.now.addingTimeInterval(100))
        #expect(try book.claimDueDeliveries(now: TestBook.now.addingTimeInterval(100), limit: 1, lease: 30).count == 1)
        try book.recordAttempt(attempt(200, 3, TestBook.now.addingTimeInterval(100)), next: .delivered)
        #expect(try book.webhookAttempts(endpointID: endpoint.id, eventID: nil, limit: 10).map(\.status) == [500, 410, 200])
        #expect(try book.claimDueDeliveries(now: TestBook.now.addingTimeInterval(1000), limit: 1, lease: 30).isEmpty)
        // and a replay of the event queues it again
        #expect(try book.replayEvents(eventID: delivery.eventID, since: nil, until: nil, endpointID: nil, now: TestBook.now) == 1)
        #expect(try book.claimDueDeliveries(now: TestBook.now.addingTimeInterval(1), limit: 1, lease: 30).first?.eventID == delivery.eventID)
        #expect(throws: SchedulingError.notFound("event evt_nope")) {
            try book.replayEvents(eventID: "evt_nope", since: nil, until: nil, endpointID: nil, now: TestBook.now)
        }
        // Rotation: both secrets while the old one is kept, then only the new one
        try book.rotateWebhookSecret(id: endpoint.id, secret: "whsec_BBBB", previousUntil: TestBook.now.addingTimeInterval(60), now: TestBook.now)
        _ = try book.replayEvents(eventID: delivery.eventID, since: nil, until: nil, endpointID: nil, now: TestBook.now)
        #expect(try book.claimDueDeliveries(now: TestBook.now.addingTimeInterval(2), limit: 1, lease: 30).first?.secrets == ["whsec_BBBB", "whsec_AAAA"])
        _ = try book.replayEvents(eventID: delivery.eventID, since: nil, until: nil, endpointID: nil, now: TestBook.now)
        #expect(try book.claimDueDeliveries(now: TestBook.now.addingTimeInterval(61), limit: 1, lease: 30).first?.secrets == ["whsec_BBBB"])
    }
}

@Suite("Holds that run out")
struct HoldExpiryTests {
    @Test func aHoldThatRunsOutUnbookedBecomesOneHoldExpiredEventAndCannotBeConfirmed() throws {
        let book = try TestBook.make()
        let patient = try TestBook.patient(book, 1)
        let hold = try book.hold(serviceID: "checkup", providerID: "bob", locationID: nil, start: TestBook.local("2026-03-03", "10:00"),
                                 conversationID: "call:h1", now: TestBook.now)
        let later = TestBook.now.addingTimeInterval(5 * 60 + 1)  // the clinic holds for 5 minutes
        #expect(try book.holdsExpired(now: TestBook.now) == false)
        #expect(try book.holdsExpired(now: later))
        #expect(try book.expireHolds(now: later) == 1)
        #expect(try book.expireHolds(now: later) == 0)
        let events = try book.outboxEvents().filter { $0.type == "hold.expired" }
        #expect(events.count == 1)
        let data = try #require(try JSONSerialization.jsonObject(with: Data(events[0].data.utf8)) as? [String: Any])
        #expect(data["hold_id"] as? Int == Int(hold.id) && data["conversation_id"] as? String == "call:h1")
        #expect(data["start_local"] as? String == "2026-03-03T10:00:00-05:00")
        #expect(throws: SchedulingError.holdExpired) {
            try book.confirmHold(hold.id, patientID: patient.id, conversationID: "call:h1", notes: nil, idempotencyKey: nil,
                                 change: .system("test"), now: TestBook.now)
        }
    }
}
