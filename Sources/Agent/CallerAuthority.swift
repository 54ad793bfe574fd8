import Foundation
import SQLiteStore
import Scheduling

/// Decides which patient a conversation may act for. Authority comes from the call, never
/// from the model's arguments:
///
/// 1. a patient verified (or registered) in this conversation — name + date of birth matching
///    exactly one record — wins, so a family sharing one phone can say who is calling;
/// 2. otherwise the single patient the caller's number identifies;
/// 3. otherwise nobody: patient-specific tools answer `verification_required`.
///
/// Verification is confined to the caller: when the calling number belongs to patients on
/// file, only one of *them* can be verified, so knowing someone else's name and birthday is
/// not a way into their record from another phone (A4). Without caller ID, name + date of
/// birth is the only proof there is, and it binds.
///
/// What a conversation established lives in its `TurnIdentity`, handed from turn to turn only
/// along the conversation's own continuation (A9). Every answer that confirms or denies a name
/// + date of birth draws on one budget: per conversation here (`maxFailedVerifications`), and
/// per caller number and per patient name in the calendar file (`budget`), which no new call id
/// or restart resets (A10).
public final class CallerAuthority: Sendable {
    /// Who the conversation acts for, and how that was established.
    public struct ActingPatient: Sendable, Equatable {
        public var patient: Patient
        public var viaCallerNumber: Bool
    }

    private let book: AppointmentBook
    private let maxFailedVerifications: Int
    private let budget: VerificationBudget

    public init(book: AppointmentBook, maxFailedVerifications: Int = 5, budget: VerificationBudget = .init()) {
        self.book = book
        self.maxFailedVerifications = maxFailedVerifications
        self.budget = budget
    }

    /// The patient this conversation acts for, or nil.
    public func actingPatient(_ context: ToolContext) throws -> ActingPatient? {
        if let bound = context.identity.current.patientID, let patient = try book.patient(id: bound) {
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
    /// Returns nil (a failed attempt) unless exactly one record matches and the calling number,
    /// when it belongs to anyone on file, is that record's.
    /// - Throws: `too_many_attempts` once any of the budgets is spent.
    func verify(_ claim: IdentityClaim, context: ToolContext) throws(ToolFailure) -> Patient? {
        let outcome = try attempt("search_patients", context) { source throws(ToolFailure) in
            try ToolFailure.attempt(voice: nil) { try book.verifyPatient(claim, from: source, budget: budget, now: context.now) }
        }
        switch outcome {
        case .verified(let patient):
            context.identity.releaseAttempt()
            context.identity.bind(patientID: patient.id)
            return patient
        case .denied:
            return nil
        case .overBudget:
            context.identity.releaseAttempt()
            throw Self.tooManyAttempts
        }
    }

    /// Registers a new patient on the calling number (or none) and binds them to the
    /// conversation. A duplicate answers `duplicate_patient`, naming nothing of the record.
    func register(_ patient: NewPatient, context: ToolContext) throws(ToolFailure) -> Patient {
        var patient = patient
        patient.phone = context.callerNumber
        let outcome = try attempt("create_patient", context) { source throws(ToolFailure) in
            try ToolFailure.attempt(voice: nil) { try book.registerPatient(patient, from: source, budget: budget, now: context.now) }
        }
        switch outcome {
        case .created(let created):
            context.identity.bind(patientID: created.id)
            return created
        case .duplicate:
            throw ToolFailure(
                code: "duplicate_patient",
                message: "That person may already be registered. Verify them with search_patients instead, or offer to transfer the caller to the front desk staff.")
        case .overBudget:
            context.identity.releaseAttempt()
            throw Self.tooManyAttempts
        }
    }

    /// Reserves one of the conversation's attempts, then runs `body`; a thrown failure (bad
    /// arguments, calendar unavailable) confirms nothing, so it gives the attempt back.
    private func attempt<T>(
        _ tool: String, _ context: ToolContext, _ body: (ClaimSource) throws(ToolFailure) -> T
    ) throws(ToolFailure) -> T {
        guard context.identity.reserveAttempt(limit: maxFailedVerifications) else { throw Self.tooManyAttempts }
        do {
            return try body(ClaimSource(conversationID: context.conversationID, callerNumber: context.callerNumber,
                                        tool: tool))
        } catch {
            context.identity.releaseAttempt()
            throw error
        }
    }

    static let tooManyAttempts = ToolFailure(
        code: "too_many_attempts",
        message: "Too many verification attempts. Do not try again; offer to transfer the caller to the front desk staff.")
}
