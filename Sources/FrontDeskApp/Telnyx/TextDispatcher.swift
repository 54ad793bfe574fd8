import Foundation
import Logging
import Reception
import Scheduling
import ServiceLifecycle

/// Sends every business's due texts (confirmations, reminders, replies): one read per business
/// says whether anything is due; due texts are claimed under a lease, decided by `TextPlanner`
/// (opt-outs, the daily cap, the texting window in local time, reminders that would come too
/// late), sent through Telnyx, and what happened is recorded. 429/5xx/no answer are retried
/// (5 s, then 60 s), three attempts in all; other refusals fail the text.
struct TextDispatcher: Service {
    let businesses: Businesses
    /// nil: no TELNYX_API_KEY, texts wait (logged once).
    let messaging: TelnyxMessagingClient?
    let pollInterval: Duration
    let logger: Logger

    static let retryWaits: [TimeInterval] = [5, 60]

    func run() async throws {
        var warned = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let directory = await businesses.directory()
            for business in directory.businesses.values.sorted(by: { $0.id < $1.id }) {
                guard let runtime = try? await businesses.runtime(for: business) else { continue }
                let store = runtime.desk.store
                let texts = (try? await store.textsDue(now: Date())) == true
                let calls = (try? await store.reminderCallsDue(now: Date())) == true
                guard texts || calls else { continue }
                guard let messaging else {
                    if !warned { logger.warning("texts or reminder calls are due but TELNYX_API_KEY is not set; they wait") }
                    warned = true
                    continue
                }
                if texts { await send(for: runtime, messaging: messaging) }
                if calls { await placeCalls(for: runtime, messaging: messaging) }
            }
            try? await Task.sleep(for: pollInterval)
        }
    }

    private func send(for runtime: BusinessRuntime, messaging: TelnyxMessagingClient) async {
        let store = runtime.desk.store
        guard let due = try? await store.claimDueTexts(now: Date(), limit: 20) else { return }
        await withTaskGroup(of: Void.self) { group in
            for text in due {
                group.addTask {
                    let outcome = await self.outcome(of: text, messaging: messaging)
                    var metadata: Logger.Metadata = ["business": "\(runtime.id)", "text": "\(text.id)", "kind": "\(text.kind)"]
                    metadata["outcome"] = "\(String(describing: outcome).prefix(200))"
                    self.logger.debug("text", metadata: metadata)
                    do {
                        try await store.recordText(id: text.id, outcome: outcome, now: Date())
                    } catch {
                        self.logger.error("could not record a text", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                    }
                }
            }
        }
    }

    /// Reminder calls that are due: placed through the business's Telnyx assistant, with the
    /// reminder's id in the call's dynamic variables (Telnyx forwards them with every turn, so
    /// the assistant on that call knows why it called).
    private func placeCalls(for runtime: BusinessRuntime, messaging: TelnyxMessagingClient) async {
        let store = runtime.desk.store
        guard let due = try? await store.claimDueReminderCalls(now: Date(), limit: 10) else { return }
        for call in due {
            let now = Date()
            let outcome: ReminderCallOutcome
            switch call.decide(now: now) {
            case .skip(let note): outcome = .skipped(note: note)
            case .wait(let until, let note): outcome = .wait(until: until, note: note)
            case .send:
                let settings = call.settings!
                let variables = [
                    "frontdesk_reminder_id": String(call.id), "frontdesk_business": runtime.id,
                    "patient_first_name": call.appointment.firstName ?? "", "business_name": call.profile.business.name,
                    "appointment_when": TextPlanner.when(call.appointment.start, clock: call.profile.clock),
                ]
                switch await messaging.scheduleCall(assistantID: settings.assistantID ?? "", from: settings.senderNumber, to: call.to,
                                                    key: call.key, variables: variables, at: now.addingTimeInterval(5)) {
                case .sent(let id): outcome = .placed(scheduledEventID: id)
                case .refused(let why): outcome = .failed(note: why)
                case .retryable(let why):
                    outcome = call.attempts < Self.retryWaits.count
                        ? .retry(at: Date().addingTimeInterval(Self.retryWaits[call.attempts]), note: why) : .failed(note: why)
                }
            }
            logger.info("reminder call", metadata: ["business": "\(runtime.id)", "reminder": "\(call.id)", "outcome": "\(outcome)"])
            try? await store.recordReminderCall(id: call.id, outcome: outcome, now: Date())
        }
    }

    private func outcome(of text: TextToSend, messaging: TelnyxMessagingClient) async -> TextOutcome {
        let now = Date()
        switch TextPlanner.decide(text, now: now) {
        case .skip(let note): return .skipped(note: note)
        case .wait(let until, let note): return .wait(until: until, note: note)
        case .send(let body):
            guard let from = text.settings?.senderNumber ?? text.profile.business.phone else { return .skipped(note: "no sender number") }
            switch await messaging.send(from: from, to: text.to, text: body, messagingProfileID: text.settings?.messagingProfileID) {
            case .sent(let id): return .sent(body: body, providerID: id)
            case .refused(let why): return .failed(note: why)
            case .retryable(let why):
                guard text.attempts < Self.retryWaits.count else { return .failed(note: why) }
                return .retry(at: Date().addingTimeInterval(Self.retryWaits[text.attempts]), note: why)
            }
        }
    }
}
