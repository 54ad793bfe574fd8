import Foundation
import Scheduling
import Synchronization

/// Decides which patient a conversation may act for. Authority comes from the call, never
/// from the model's arguments:
///
/// 1. a patient verified (or created) in this conversation — name + date of birth matching
///    exactly one record — wins, so a family sharing one phone can say who is calling;
/// 2. otherwise the single patient whose phone is the caller's number;
/// 3. otherwise nobody: patient-specific tools answer `verification_required`.
///
/// Verification is confined to the caller: when the calling number belongs to patients on
/// file, only one of *them* can be verified, so knowing someone else's name and birthday is
/// not a way into their record from another phone (A4). Without caller ID, name + date of
/// birth is the only proof there is, and it binds.
///
/// Bindings live in memory, keyed by conversation id, for `lifetime` (default two hours,
/// longer than any call). Memory is acceptable for now: a binding only matters while its
/// call is live, a restart merely asks the caller to verify again (safe, never wider
/// authority), and one FrontDesk process serves a call. With several replicas behind a
/// balancer this moves into the SQLite file next to the tool-round memory.
public final class CallerAuthority: Sendable {
    /// Who the conversation acts for, and how that was established.
    public struct ActingPatient: Sendable, Equatable {
        public var patient: Patient
        public var viaCallerNumber: Bool
    }

    private struct Binding {
        var patientID: Int64
        var expires: Date
    }

    private let book: AppointmentBook
    private let lifetime: TimeInterval
    private let maxFailedVerifications: Int
    private let bindings = Mutex<[String: Binding]>([:])
    private let failedVerifications = Mutex<[String: (count: Int, expires: Date)]>([:])

    public init(book: AppointmentBook, lifetime: TimeInterval = 2 * 3600, maxFailedVerifications: Int = 5) {
        self.book = book
        self.lifetime = lifetime
        self.maxFailedVerifications = maxFailedVerifications
    }

    /// The patient this conversation acts for, or nil.
    public func actingPatient(_ context: ToolContext) throws -> ActingPatient? {
        let bound = bindings.withLock { table -> Int64? in
            guard let binding = table[context.conversationID], binding.expires > context.now else { return nil }
            return binding.patientID
        }
        if let bound, let patient = try book.patient(id: bound) {
            return ActingPatient(patient: patient, viaCallerNumber: false)
        }
        if let number = context.callerNumber, let patient = try? book.patient(byPhone: number) {
            return ActingPatient(patient: patient, viaCallerNumber: true)
        }
        return nil
    }

    /// The acting patient, or `verification_required`.
    func requirePatient(_ context: ToolContext) throws(ToolFailure) -> Patient {
        let acting = try ToolFailure.attempt(voice: nil) { try actingPatient(context) }
        guard let acting else {
            throw ToolFailure(
                code: "verification_required",
                message: "I don't know who is calling yet. Ask for the patient's full name and date of birth, then call search_patients to verify them (or create_patient for someone new).")
        }
        return acting.patient
    }

    /// Verifies the caller by name + date of birth and binds the match to the conversation.
    /// Returns nil (and counts a failed attempt) unless exactly one record matches and the
    /// calling number, when it belongs to anyone on file, is that record's. After
    /// `maxFailedVerifications` failures the conversation is locked out (`too_many_attempts`).
    func verify(firstName: String, lastName: String, dateOfBirth: String, context: ToolContext) throws(ToolFailure) -> Patient? {
        let failures = failedVerifications.withLock { table -> Int in
            guard let entry = table[context.conversationID], entry.expires > context.now else { return 0 }
            return entry.count
        }
        guard failures < maxFailedVerifications else {
            throw ToolFailure(
                code: "too_many_attempts",
                message: "Too many verification attempts in this call. Offer to transfer the caller to the front desk staff.")
        }
        let matches = try ToolFailure.attempt(voice: nil) {
            try book.patients(firstName: firstName, lastName: lastName, dateOfBirth: dateOfBirth)
        }
        var allowed = matches.count == 1
        if allowed, let number = context.callerNumber,
           let onThisPhone = try? book.patients(byPhone: number), !onThisPhone.isEmpty {
            allowed = onThisPhone.contains { $0.id == matches[0].id }
        }
        guard allowed else {
            failedVerifications.withLock { table in
                let count = (table[context.conversationID].flatMap { $0.expires > context.now ? $0.count : nil } ?? 0) + 1
                table[context.conversationID] = (count, context.now.addingTimeInterval(lifetime))
            }
            return nil
        }
        bind(patientID: matches[0].id, context: context)
        return matches[0]
    }

    /// Binds `patientID` to the conversation (after verification or creation).
    func bind(patientID: Int64, context: ToolContext) {
        bindings.withLock { table in
            table = table.filter { $0.value.expires > context.now }
            table[context.conversationID] = Binding(patientID: patientID, expires: context.now.addingTimeInterval(lifetime))
        }
    }
}
