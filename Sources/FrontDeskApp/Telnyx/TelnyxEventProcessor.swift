import Foundation
import Logging
import OpenAIWire
import Reception
import Scheduling
import ServiceLifecycle
import SQLiteStore

/// Handles the Telnyx events `TelnyxController` kept: a call that ended (the assistant's
/// `call.conversation.ended`, or Call Control's `call.hangup`) is recorded with its duration and
/// a `call.ended` event in its business's outbox, once. Inbound texts are kept for the SMS
/// replies work; other events are marked ignored. Runs until graceful shutdown; an event left
/// pending then is handled on the next start.
struct TelnyxEventProcessor: Service {
    let inbox: TelnyxInbox
    let businesses: Businesses
    /// Starts text conversations with the business's assistant (`R`); nil without TELNYX_API_KEY.
    let messaging: TelnyxMessagingClient?
    let executor: any TaskExecutor
    let pollInterval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let inbox = self.inbox
            let pending = (try? await withTaskExecutorPreference(executor) { try inbox.pending(limit: 50) }) ?? []
            for event in pending { await handle(event) }
            try? await Task.sleep(for: pollInterval)
        }
    }

    func handle(_ event: TelnyxInbox.Event) async {
        let (state, note): (String, String?)
        switch event.type {
        case "call.conversation.ended", "call.hangup":
            do {
                (state, note) = try await endCall(event)
            } catch {
                // Storage trouble: leave it pending and try again next tick.
                logger.error("could not record a Telnyx call ending", metadata: ["event": "\(event.id)", "error": "\(error)"])
                return
            }
        case "message.received":
            do {
                (state, note) = try await receiveText(event)
            } catch {
                logger.error("could not act on a Telnyx text", metadata: ["event": "\(event.id)", "error": "\(error)"])
                return
            }
        default:
            (state, note) = ("ignored", nil)
        }
        let inbox = self.inbox
        try? await withTaskExecutorPreference(executor) { try inbox.finish(id: event.id, state: state, note: note) }
    }

    private func endCall(_ event: TelnyxInbox.Event) async throws -> (String, String?) {
        guard let envelope = try? JSONValue(parsing: event.body), case .object(let payload)? = envelope["data"]?["payload"] else {
            return ("ignored", "not a Telnyx event body")
        }
        let ids = [payload["call_control_id"]?.stringValue, payload["conversation_id"]?.stringValue]
            .compactMap { $0 }.filter { !$0.isEmpty }.map { "call:\($0)" }
        guard !ids.isEmpty else { return ("ignored", "no call_control_id or conversation_id") }
        let to = payload["to"]?.stringValue.flatMap(TelephonyContext.normalise)
        let from = payload["from"]?.stringValue.flatMap(TelephonyContext.normalise)
        let endedAt = envelope["data"]?["occurred_at"]?.stringValue.flatMap(Self.instant) ?? event.receivedAt
        var duration = payload["duration_sec"]?.intValue
        if duration == nil, let start = payload["start_time"]?.stringValue.flatMap(Self.instant) {
            duration = max(0, Int(endedAt.timeIntervalSince(start).rounded()))
        }
        let reason = event.type == "call.hangup" ? payload["hangup_cause"]?.stringValue ?? "hangup" : "conversation_ended"
        let runtime: BusinessRuntime
        if let resolved = try? await businesses.resolve(BusinessResolver.Signals(telnyxCalledNumber: to)) {
            runtime = resolved.runtime
        } else {
            runtime = businesses.home
        }
        let ended = try await runtime.desk.endCall(ids: ids, caller: from, calledNumber: to, durationSeconds: duration, reason: reason,
                                                   endedAt: endedAt, for: .system(job: "telnyx"))
        return ("done", ended ? "call.ended emitted for \(runtime.id)" : "the call had already ended")
    }

    /// A patient's text: acted on by keyword in the business it was sent to, as that patient.
    private func receiveText(_ event: TelnyxInbox.Event) async throws -> (String, String?) {
        guard let envelope = try? JSONValue(parsing: event.body), case .object(let payload)? = envelope["data"]?["payload"],
              let from = payload["from"]?["phone_number"]?.stringValue.flatMap(TelephonyContext.normalise),
              let text = payload["text"]?.stringValue
        else { return ("ignored", "not an inbound text") }
        if payload["direction"]?.stringValue == "outbound" { return ("ignored", "an outbound message") }
        let to = payload["to"]?.arrayValue?.first?["phone_number"]?.stringValue.flatMap(TelephonyContext.normalise)
        let runtime = await business(forTextTo: to)
        let messageID = payload["id"]?.stringValue ?? event.id
        let outcome: Result<FrontDesk.TextReply, FrontDeskError>
        do {
            outcome = .success(try await runtime.desk.handleIncomingText(from: from, text: text, messageID: messageID, now: Date()))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(.rescheduleByText(let appointmentID, let opening)):
            return try await startRescheduling(runtime, to: from, appointmentID: appointmentID, opening: opening, text: text, messageID: messageID)
        case .success(let reply):
            return ("done", "\(reply) (\(runtime.id))")
        case .failure(.refused(let refusal)):
            // The rules said no (nothing to confirm, too late to cancel): a person should see it.
            try await runtime.desk.store.addInboxMessage(from: from, patientID: nil, body: text, note: "could not act: \(refusal.message)", now: Date())
            return ("done", "to the inbox: \(refusal.code)")
        case .failure(let error):
            throw error
        }
    }

    /// `R`: the business's assistant texts the patient to pick a new time (a Telnyx scheduled
    /// event on the sms_chat channel; its turns come back to /v1/chat/completions as a text chat).
    /// Keyed by the patient's message, so handling the event again cannot start a second one.
    private func startRescheduling(
        _ runtime: BusinessRuntime, to number: String, appointmentID: Int64, opening: String, text: String, messageID: String
    ) async throws -> (String, String?) {
        let profile = try await runtime.desk.profile()
        guard let messaging, let settings = profile.messaging, let assistant = settings.assistantID else {
            try await runtime.desk.store.addInboxMessage(from: number, patientID: nil, body: text, note: "wants to reschedule", now: Date())
            return ("done", "to the inbox: no Telnyx API key")
        }
        let variables = ["frontdesk_business": runtime.id, "frontdesk_reschedule_appointment_id": String(appointmentID)]
        switch await messaging.scheduleCall(assistantID: assistant, from: settings.senderNumber, to: number, key: "reschedule-\(messageID)",
                                            variables: variables, at: Date().addingTimeInterval(2), text: opening) {
        case .sent(let id):
            return ("done", "rescheduling by text with the assistant (\(id ?? "-"))")
        case .retryable(let why):
            throw TelnyxUnavailable(reason: why)  // left pending: tried again next tick, same key
        case .refused(let why):
            try await runtime.desk.store.addInboxMessage(from: number, patientID: nil, body: text, note: "wants to reschedule (\(why))", now: Date())
            return ("done", "to the inbox: \(why)")
        }
    }

    struct TelnyxUnavailable: Error { let reason: String }

    /// The business a text was sent to: the one whose number or texting number it is, else home.
    private func business(forTextTo number: String?) async -> BusinessRuntime {
        if let number, let resolved = try? await businesses.resolve(BusinessResolver.Signals(telnyxCalledNumber: number)) {
            return resolved.runtime
        }
        if let number {
            for business in await businesses.directory().businesses.values {
                if let runtime = try? await businesses.runtime(for: business), (try? await runtime.desk.profile())?.messaging?.senderNumber == number {
                    return runtime
                }
            }
        }
        return businesses.home
    }

    /// RFC 3339 with or without fractional seconds and with `Z` or an offset.
    static func instant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
