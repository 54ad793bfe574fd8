import Dispatch
import Foundation
import Reception
import Scheduling

/// The front desk's store on one SQLite file (`AppointmentBook`), with threads of its own:
/// writes run one at a time on a serial queue (each a `BEGIN IMMEDIATE` transaction that may
/// wait for another process's lock), reads on a concurrent queue of WAL readers. Nothing here
/// runs on Swift's cooperative pool, so a locked file holds only the work that needs its lock:
/// reads, other businesses' files and tool-free turns go on.
public final class SQLiteFrontDeskStore: FrontDeskStore {
    public let book: AppointmentBook
    private let writer: DispatchQueue
    private let readers: DispatchQueue

    /// How long a claimed webhook delivery is kept from others (a process that dies mid-send
    /// leaves it due again after this).
    let deliveryLease: TimeInterval

    public init(book: AppointmentBook, label: String = "frontdesk.store", deliveryLease: TimeInterval = 30) {
        self.book = book
        self.deliveryLease = deliveryLease
        writer = DispatchQueue(label: "\(label).writer")
        readers = DispatchQueue(label: "\(label).readers", attributes: .concurrent)
    }

    private func onWriter<T: Sendable>(_ body: @escaping @Sendable (AppointmentBook) throws -> T) async throws -> T {
        try await run(body, on: writer)
    }

    private func onReader<T: Sendable>(_ body: @escaping @Sendable (AppointmentBook) throws -> T) async throws -> T {
        try await run(body, on: readers)
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (AppointmentBook) throws -> T, on queue: DispatchQueue) async throws -> T {
        let book = self.book
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(book) }) }
        }
    }

    // MARK: - Reads

    public func profile() async throws -> BusinessProfile { try await onReader { try $0.profile() } }

    public func findAvailableSlots(_ query: AvailabilityQuery, now: Date) async throws -> AvailabilityResult {
        try await onReader { try $0.findAvailableSlots(query, now: now) }
    }

    public func patient(id: Int64) async throws -> Patient? { try await onReader { try $0.patient(id: id) } }

    public func appointment(id: Int64, patientID: Int64?) async throws -> Appointment {
        try await onReader { try $0.appointment(id: id, forPatient: patientID) }
    }

    public func patient(recognisedBy phone: String) async throws -> Patient? {
        try await onReader { try $0.patient(byPhone: phone) }
    }

    public func recognisedCaller(phone: String, now: Date) async throws -> RecognisedCaller? {
        try await onReader { try $0.recognisedCaller(phone: phone, now: now) }
    }

    public func appointments(forPatient patientID: Int64, from: Date) async throws -> [Appointment] {
        try await onReader { try $0.appointments(forPatient: patientID, from: from) }
    }

    public func listAppointments(date: LocalDate?, provider: String?, patientPhone: String?) async throws -> [AppointmentListing] {
        try await onReader { try $0.listAppointments(date: date, provider: provider, patientPhone: patientPhone) }
    }

    public func checkStorage() async throws { try await onReader { try $0.checkStorage() } }

    // MARK: - Writes

    public func book(_ request: BookingRequest, change: ChangeRecord, now: Date) async throws -> Appointment {
        try await onWriter { try $0.book(request, change: change, now: now) }
    }

    public func hold(
        serviceID: String, providerID: String?, locationID: String?, start: Date, conversationID: String, now: Date
    ) async throws -> Hold {
        try await onWriter {
            try $0.hold(serviceID: serviceID, providerID: providerID, locationID: locationID, start: start,
                        conversationID: conversationID, now: now)
        }
    }

    public func confirmHold(
        _ holdID: Int64, patientID: Int64, conversationID: String, notes: String?, idempotencyKey: String?, change: ChangeRecord, now: Date
    ) async throws -> Appointment {
        try await onWriter {
            try $0.confirmHold(holdID, patientID: patientID, conversationID: conversationID, notes: notes,
                               idempotencyKey: idempotencyKey, change: change, now: now)
        }
    }

    public func cancel(
        appointmentID: Int64, patientID: Int64?, reason: String?, change: ChangeRecord, now: Date
    ) async throws -> (appointment: Appointment, changed: Bool) {
        try await onWriter {
            try $0.cancelReporting(appointmentID: appointmentID, forPatient: patientID, reason: reason, conversationID: change.conversationID,
                                   change: change, now: now)
        }
    }

    public func reschedule(
        appointmentID: Int64, patientID: Int64?, to newStart: Date, providerID: String?, locationID: String?, idempotencyKey: String?,
        change: ChangeRecord, now: Date
    ) async throws -> Appointment {
        try await onWriter {
            try $0.reschedule(appointmentID: appointmentID, forPatient: patientID, to: newStart, providerID: providerID,
                              locationID: locationID, conversationID: change.conversationID, idempotencyKey: idempotencyKey,
                              change: change, now: now)
        }
    }

    public func confirmAppointment(appointmentID: Int64, patientID: Int64?, change: ChangeRecord, now: Date) async throws -> Appointment {
        try await onWriter { try $0.confirmAppointment(appointmentID: appointmentID, forPatient: patientID, change: change, now: now) }
    }

    public func verifyPatient(
        _ claim: IdentityClaim, from source: ClaimSource, budget: VerificationBudget, now: Date
    ) async throws -> VerificationOutcome {
        try await onWriter { try $0.verifyPatient(claim, from: source, budget: budget, now: now) }
    }

    public func registerPatient(
        _ patient: NewPatient, from source: ClaimSource, budget: VerificationBudget, now: Date
    ) async throws -> RegistrationOutcome {
        try await onWriter { try $0.registerPatient(patient, from: source, budget: budget, now: now) }
    }

    // MARK: - Staff

    public func appointmentRecords(_ filter: AppointmentFilter, page: PageRequest) async throws -> Page<AppointmentRecord> {
        try await onReader { try $0.appointmentRecords(filter, page: page) }
    }

    public func appointmentRecord(id: Int64) async throws -> AppointmentRecord? { try await onReader { try $0.appointmentRecord(id: id) } }

    public func patients(matching query: String?, page: PageRequest) async throws -> Page<Patient> {
        try await onReader { try $0.patients(matching: query, page: page) }
    }

    public func calls(_ filter: CallFilter, page: PageRequest) async throws -> Page<CallRecord> {
        try await onReader { try $0.calls(filter, page: page) }
    }

    public func calls(ofPatient patient: Patient, limit: Int) async throws -> [CallRecord] {
        try await onReader { try $0.calls(ofPatient: patient, limit: limit) }
    }

    public func callTranscript(id: String) async throws -> CallTranscript? { try await onReader { try $0.callTranscript(id: id) } }

    public func daySheet(on date: LocalDate, now: Date) async throws -> DaySheet { try await onReader { try $0.daySheet(on: date, now: now) } }

    public func events(after sequence: Int64, limit: Int) async throws -> [StaffEvent] {
        try await onReader { try $0.events(after: sequence, limit: limit) }
    }

    public func endCall(
        ids: [String], caller: String?, calledNumber: String?, durationSeconds: Int?, reason: String?, endedAt: Date
    ) async throws -> Bool {
        try await onWriter {
            try $0.endCall(ids: ids, caller: caller, calledNumber: calledNumber, durationSeconds: durationSeconds, reason: reason, endedAt: endedAt)
        }
    }

    public func latestEventSequence() async throws -> Int64 { try await onReader { try $0.latestEventSequence() } }

    public func createPatient(_ patient: NewPatient, idempotencyKey: String?, change: ChangeRecord, now: Date) async throws -> Patient {
        try await onWriter { try $0.createPatient(patient, idempotencyKey: idempotencyKey, change: change, now: now) }
    }

    public func updateContact(patientID: Int64, _ update: ContactUpdate, change: ChangeRecord, now: Date) async throws -> Patient {
        try await onWriter { try $0.updateContact(patientID: patientID, update, change: change, now: now) }
    }

    public func importProfile(_ profile: BusinessProfile, now: Date) async throws {
        try await onWriter { try $0.importProfile(profile, now: now) }
    }

    // MARK: - Webhooks

    public func addWebhook(
        url: String, events: [String], includeTranscript: Bool, allowPrivate: Bool, label: String?, secret: String, now: Date
    ) async throws -> WebhookEndpoint {
        try await onWriter {
            try $0.addWebhook(url: url, events: events, includeTranscript: includeTranscript, allowPrivate: allowPrivate, label: label,
                              secret: secret, now: now)
        }
    }

    public func webhooks() async throws -> [WebhookEndpoint] { try await onReader { try $0.webhooks() } }

    public func removeWebhook(id: Int64) async throws { try await onWriter { try $0.removeWebhook(id: id) } }

    public func enableWebhook(id: Int64, now: Date) async throws { try await onWriter { try $0.enableWebhook(id: id, now: now) } }

    public func rotateWebhookSecret(id: Int64, secret: String, previousUntil: Date, now: Date) async throws {
        try await onWriter { try $0.rotateWebhookSecret(id: id, secret: secret, previousUntil: previousUntil, now: now) }
    }

    public func emitWebhookTest(id: Int64, now: Date) async throws -> String { try await onWriter { try $0.emitWebhookTest(id: id, now: now) } }

    public func holdsExpired(now: Date) async throws -> Bool { try await onReader { try $0.holdsExpired(now: now) } }

    public func expireHolds(now: Date) async throws -> Int { try await onWriter { try $0.expireHolds(now: now) } }

    public func webhookWork(now: Date) async throws -> (fanOut: Bool, due: Bool) { try await onReader { try $0.webhookWork(now: now) } }

    public func fanOutEvents(now: Date) async throws -> Int { try await onWriter { try $0.fanOutEvents(now: now) } }

    public func dueDeliveries(now: Date, limit: Int) async throws -> [WebhookDelivery] {
        let lease = deliveryLease
        return try await onWriter { try $0.claimDueDeliveries(now: now, limit: limit, lease: lease) }
    }

    public func recordAttempt(_ attempt: WebhookAttempt, next: DeliveryNext) async throws {
        try await onWriter { try $0.recordAttempt(attempt, next: next) }
    }

    public func replayEvents(eventID: String?, since: Date?, until: Date?, endpointID: Int64?, now: Date) async throws -> Int {
        try await onWriter { try $0.replayEvents(eventID: eventID, since: since, until: until, endpointID: endpointID, now: now) }
    }

    public func webhookAttempts(endpointID: Int64?, eventID: String?, limit: Int) async throws -> [WebhookAttempt] {
        try await onReader { try $0.webhookAttempts(endpointID: endpointID, eventID: eventID, limit: limit) }
    }

    // MARK: - Texts

    public func textsDue(now: Date) async throws -> Bool { try await onReader { try $0.textsDue(now: now) } }

    public func claimDueTexts(now: Date, limit: Int) async throws -> [TextToSend] {
        let lease = deliveryLease
        return try await onWriter { try $0.claimDueTexts(now: now, limit: limit, lease: lease) }
    }

    public func recordText(id: Int64, outcome: TextOutcome, now: Date) async throws {
        try await onWriter { try $0.recordText(id: id, outcome: outcome, now: now) }
    }

    public func queueReply(key: String, to number: String, body: String, appointmentID: Int64?, now: Date) async throws {
        try await onWriter { try $0.queueReply(key: key, to: number, body: body, appointmentID: appointmentID, now: now) }
    }

    public func setOptOut(number: String, optedOut: Bool, now: Date) async throws {
        try await onWriter { try $0.setOptOut(number: number, optedOut: optedOut, now: now) }
    }

    public func addInboxMessage(from number: String, patientID: Int64?, body: String, note: String?, now: Date) async throws {
        try await onWriter { try $0.addInboxMessage(from: number, patientID: patientID, body: body, note: note, now: now) }
    }

    public func inboxMessages(limit: Int) async throws -> [InboxMessage] { try await onReader { try $0.inboxMessages(limit: limit) } }

    public func textMessages(limit: Int) async throws -> [TextRecord] { try await onReader { try $0.textMessages(limit: limit) } }

    // MARK: - Reminder calls

    public func reminderCallsDue(now: Date) async throws -> Bool { try await onReader { try $0.reminderCallsDue(now: now) } }

    public func claimDueReminderCalls(now: Date, limit: Int) async throws -> [ReminderCallToPlace] {
        let lease = deliveryLease
        return try await onWriter { try $0.claimDueReminderCalls(now: now, limit: limit, lease: lease) }
    }

    public func recordReminderCall(id: Int64, outcome: ReminderCallOutcome, now: Date) async throws {
        try await onWriter { try $0.recordReminderCall(id: id, outcome: outcome, now: now) }
    }

    public func reminderContext(id: Int64) async throws -> ReminderContext? { try await onReader { try $0.reminderContext(id: id) } }

    // MARK: - Knowledge

    public func saveKnowledgeDocument(_ draft: KnowledgeDraft, now: Date) async throws -> (document: KnowledgeDocument, replaced: Bool) {
        try await onWriter { try $0.saveKnowledgeDocument(draft, now: now) }
    }

    public func knowledgeDocuments() async throws -> [KnowledgeDocument] { try await onReader { try $0.knowledgeDocuments() } }

    public func removeKnowledgeDocument(id: Int64) async throws { try await onWriter { try $0.removeKnowledgeDocument(id: id) } }

    public func searchKnowledge(_ query: KnowledgeQuery, limit: Int) async throws -> [KnowledgePassage] {
        try await onReader { try $0.searchKnowledge(query, limit: limit) }
    }
}
