import Foundation
import Scheduling

/// Everything the front desk keeps, behind one asynchronous interface: all SQL lives in its
/// implementation (`SQLiteFrontDeskStore` today; a PostgreSQL one would implement the same
/// protocol). Implementations run blocking work on threads of their own, never on Swift's
/// cooperative pool, so a busy database delays only the work that needs it.
///
/// Refusals are thrown as `SchedulingError`; anything else thrown is a storage failure.
/// Every write that changes an appointment commits, in the same transaction, one audit row and
/// one outbox event built from `change`.
public protocol FrontDeskStore: StaffStore, WebhookStore, TextStore, KnowledgeStore {
    // MARK: Reads
    func profile() async throws -> BusinessProfile
    func findAvailableSlots(_ query: AvailabilityQuery, now: Date) async throws -> AvailabilityResult
    func patient(id: Int64) async throws -> Patient?
    /// One appointment in any status, of the patient (`patientID` nil: of anyone); throws `.notFound`.
    func appointment(id: Int64, patientID: Int64?) async throws -> Appointment
    /// The one patient the number identifies, or nil when none or several do.
    func patient(recognisedBy phone: String) async throws -> Patient?
    /// The patient the number identifies (as `patient(recognisedBy:)`), their next booked
    /// appointment and the profile, in one read: what every turn with a caller number needs.
    func recognisedCaller(phone: String, now: Date) async throws -> RecognisedCaller?
    /// The patient's appointments from `from` on, soonest first; booked only.
    func appointments(forPatient patientID: Int64, from: Date) async throws -> [Appointment]
    /// The book for staff, names resolved, in time order.
    func listAppointments(date: LocalDate?, provider: String?, patientPhone: String?) async throws -> [AppointmentListing]
    /// Throws when the storage cannot be read or was replaced under the process.
    func checkStorage() async throws

    // MARK: Writes
    func book(_ request: BookingRequest, change: ChangeRecord, now: Date) async throws -> Appointment
    func hold(serviceID: String, providerID: String?, locationID: String?, start: Date, conversationID: String, now: Date) async throws -> Hold
    func confirmHold(
        _ holdID: Int64, patientID: Int64, conversationID: String, notes: String?, idempotencyKey: String?, change: ChangeRecord, now: Date
    ) async throws -> Appointment
    /// `patientID` nil: any appointment of the business (staff and system). `changed` is false
    /// when it was already cancelled (nothing written).
    func cancel(appointmentID: Int64, patientID: Int64?, reason: String?, change: ChangeRecord, now: Date) async throws
        -> (appointment: Appointment, changed: Bool)
    func reschedule(
        appointmentID: Int64, patientID: Int64?, to newStart: Date, providerID: String?, locationID: String?, idempotencyKey: String?,
        change: ChangeRecord, now: Date
    ) async throws -> Appointment
    func confirmAppointment(appointmentID: Int64, patientID: Int64?, change: ChangeRecord, now: Date) async throws -> Appointment
    func verifyPatient(_ claim: IdentityClaim, from source: ClaimSource, budget: VerificationBudget, now: Date) async throws -> VerificationOutcome
    func registerPatient(_ patient: NewPatient, from source: ClaimSource, budget: VerificationBudget, now: Date) async throws -> RegistrationOutcome
}

/// What staff read and change, apart from the calendar's own operations above.
public protocol StaffStore: Sendable {
    // MARK: Reads
    /// A page of appointments matching `filter`, sorted by start then id.
    func appointmentRecords(_ filter: AppointmentFilter, page: PageRequest) async throws -> Page<AppointmentRecord>
    /// One appointment with its patient and every change made to it.
    func appointmentRecord(id: Int64) async throws -> AppointmentRecord?
    /// Patients whose name contains `query` (any case) or whose number contains its digits, by id.
    func patients(matching query: String?, page: PageRequest) async throws -> Page<Patient>
    /// A page of calls matching `filter`, newest first.
    func calls(_ filter: CallFilter, page: PageRequest) async throws -> Page<CallRecord>
    /// Calls from the patient's number or that acted for the patient, newest first.
    func calls(ofPatient patient: Patient, limit: Int) async throws -> [CallRecord]
    func callTranscript(id: String) async throws -> CallTranscript?
    /// Every provider's working time, appointments and live holds on one local day.
    func daySheet(on date: LocalDate, now: Date) async throws -> DaySheet
    /// Marks a call ended and writes its `call.ended` event, once (false when it was already ended).
    func endCall(ids: [String], caller: String?, calledNumber: String?, durationSeconds: Int?, reason: String?, endedAt: Date) async throws -> Bool
    /// Outbox events after `sequence` (oldest first): what live pages listen to.
    func events(after sequence: Int64, limit: Int) async throws -> [StaffEvent]
    /// The newest outbox sequence (0 when empty): where a live page starts listening.
    func latestEventSequence() async throws -> Int64

    // MARK: Writes
    /// Adds a patient, audited with `change`. A key seen before returns the patient it created.
    func createPatient(_ patient: NewPatient, idempotencyKey: String?, change: ChangeRecord, now: Date) async throws -> Patient
    func updateContact(patientID: Int64, _ update: ContactUpdate, change: ChangeRecord, now: Date) async throws -> Patient
    /// Validates and replaces the business profile in one transaction.
    func importProfile(_ profile: BusinessProfile, now: Date) async throws
}

/// The business's webhook endpoints and the deliveries of its outbox events to them.
public protocol WebhookStore: Sendable {
    func addWebhook(url: String, events: [String], includeTranscript: Bool, allowPrivate: Bool, label: String?, secret: String, now: Date) async throws
        -> WebhookEndpoint
    func webhooks() async throws -> [WebhookEndpoint]
    /// Throws `.notFound("webhook")` for an unknown id.
    func removeWebhook(id: Int64) async throws
    func enableWebhook(id: Int64, now: Date) async throws
    /// A new current secret; the old one stays valid (both signatures are sent) until `previousUntil`.
    func rotateWebhookSecret(id: Int64, secret: String, previousUntil: Date, now: Date) async throws
    /// Writes a `webhook.test` event to the outbox, for endpoint `id` only.
    func emitWebhookTest(id: Int64, now: Date) async throws -> String
    /// Whether a hold ran out unbooked (a read).
    func holdsExpired(now: Date) async throws -> Bool
    /// Releases holds that ran out and writes a `hold.expired` event for each; returns how many.
    func expireHolds(now: Date) async throws -> Int
    /// Whether there are new events to fan out, or deliveries due (a read: idle costs no write).
    func webhookWork(now: Date) async throws -> (fanOut: Bool, due: Bool)
    /// Creates a delivery for every enabled endpoint each new outbox event matches, and moves the
    /// fan-out cursor past them, in one transaction. Returns how many deliveries were created.
    func fanOutEvents(now: Date) async throws -> Int
    /// Pending deliveries due by `now`, to enabled endpoints, oldest event first.
    func dueDeliveries(now: Date, limit: Int) async throws -> [WebhookDelivery]
    /// Records an attempt and what follows from it, in one transaction.
    func recordAttempt(_ attempt: WebhookAttempt, next: DeliveryNext) async throws
    /// Queues the events again (all endpoints they match, or one) for delivery now.
    func replayEvents(eventID: String?, since: Date?, until: Date?, endpointID: Int64?, now: Date) async throws -> Int
    func webhookAttempts(endpointID: Int64?, eventID: String?, limit: Int) async throws -> [WebhookAttempt]
}

/// Texts to patients (confirmations, reminders, replies), opt-outs and the staff inbox.
public protocol TextStore: Sendable {
    /// Whether any text is due (a read).
    func textsDue(now: Date) async throws -> Bool
    /// Due texts, claimed under a lease, with what deciding and wording them needs.
    func claimDueTexts(now: Date, limit: Int) async throws -> [TextToSend]
    func recordText(id: Int64, outcome: TextOutcome, now: Date) async throws
    func queueReply(key: String, to number: String, body: String, appointmentID: Int64?, now: Date) async throws
    func setOptOut(number: String, optedOut: Bool, now: Date) async throws
    func addInboxMessage(from number: String, patientID: Int64?, body: String, note: String?, now: Date) async throws
    func inboxMessages(limit: Int) async throws -> [InboxMessage]
    func textMessages(limit: Int) async throws -> [TextRecord]
    func reminderCallsDue(now: Date) async throws -> Bool
    func claimDueReminderCalls(now: Date, limit: Int) async throws -> [ReminderCallToPlace]
    func recordReminderCall(id: Int64, outcome: ReminderCallOutcome, now: Date) async throws
    func reminderContext(id: Int64) async throws -> ReminderContext?
}

/// The business's documents, split into passages and indexed for full-text search.
public protocol KnowledgeStore: Sendable {
    /// Adds the document, or replaces the one with the same source name in place (same id, its
    /// old passages gone), in one transaction. `replaced` says which.
    func saveKnowledgeDocument(_ draft: KnowledgeDraft, now: Date) async throws -> (document: KnowledgeDocument, replaced: Bool)
    /// Every document, by id.
    func knowledgeDocuments() async throws -> [KnowledgeDocument]
    /// Throws `.notFound("document")` for an unknown id.
    func removeKnowledgeDocument(id: Int64) async throws
    /// Passages containing any of the query's terms, best first (bm25), at most `limit`, each
    /// with how many of the terms it contains. Empty for a query without terms.
    func searchKnowledge(_ query: KnowledgeQuery, limit: Int) async throws -> [KnowledgePassage]
}
