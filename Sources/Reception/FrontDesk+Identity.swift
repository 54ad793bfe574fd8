import Foundation
import Scheduling

/// Who a caller is. Authority comes from the call, never from what a model or caller names:
///
/// 1. a patient verified (or registered) in this conversation — name + date of birth matching
///    exactly one record — wins, so a family sharing one phone can say who is calling;
/// 2. otherwise the single patient the caller's number identifies;
/// 3. otherwise nobody: patient-specific operations answer `verificationRequired`.
///
/// Verification is confined to the caller: when the calling number belongs to patients on
/// file, only one of *them* can be verified, so knowing someone else's name and birthday is
/// not a way into their record from another phone (A4). Without caller ID, name + date of
/// birth is the only proof there is, and it binds.
///
/// What a conversation established lives in its `TurnIdentity`, handed from turn to turn only
/// along the conversation's own continuation (A9). Every answer that confirms or denies a name
/// + date of birth draws on one budget: per conversation (`maxFailedVerifications`), and per
/// caller number and per patient name in the store (`budget`), which no new call id or restart
/// resets (A10).
extension FrontDesk {
    /// Who a caller's conversation acts for, and how that was established.
    public struct ActingPatient: Sendable, Equatable {
        public var patient: Patient
        public var viaCallerNumber: Bool
    }

    /// The patient a caller's conversation acts for, or nil (always nil for staff and system).
    public func actingPatient(_ actor: FrontDeskActor) async throws(FrontDeskError) -> ActingPatient? {
        guard case .caller(let session) = actor else { return nil }
        if let bound = session.identity.current.patientID, let patient = try await attempt({ try await store.patient(id: bound) }) {
            return ActingPatient(patient: patient, viaCallerNumber: false)
        }
        if let number = session.callerNumber, let patient = try? await store.patient(recognisedBy: number) {
            return ActingPatient(patient: patient, viaCallerNumber: true)
        }
        return nil
    }

    /// The acting caller's patient, or `verificationRequired`.
    func requirePatient(_ actor: FrontDeskActor) async throws(FrontDeskError) -> Patient {
        guard let acting = try await actingPatient(actor) else { throw .verificationRequired }
        return acting.patient
    }

    /// Verifies the caller by name + date of birth and binds the match to the conversation.
    /// Returns nil (a failed attempt) unless exactly one record matches and the calling number,
    /// when it belongs to anyone on file, is that record's.
    /// - Throws: `tooManyAttempts` once any of the budgets is spent.
    public func verify(_ claim: IdentityClaim, caller session: CallerSession, now: Date) async throws(FrontDeskError) -> Patient? {
        let outcome = try await spendingAttempt("search_patients", session) { source async throws(FrontDeskError) in
            try await attempt { try await store.verifyPatient(claim, from: source, budget: budget, now: now) }
        }
        switch outcome {
        case .verified(let patient):
            session.identity.releaseAttempt()
            session.identity.bind(patientID: patient.id)
            return patient
        case .denied:
            return nil
        case .overBudget:
            session.identity.releaseAttempt()
            throw .tooManyAttempts
        }
    }

    /// Registers a new patient on the calling number (or none: never a number anyone names,
    /// A11) and binds them to the conversation. A duplicate is `duplicatePatient`, naming
    /// nothing of the record.
    public func register(_ patient: NewPatient, caller session: CallerSession, now: Date) async throws(FrontDeskError) -> Patient {
        var patient = patient
        patient.phone = session.callerNumber
        let outcome = try await spendingAttempt("create_patient", session) { source async throws(FrontDeskError) in
            try await attempt { try await store.registerPatient(patient, from: source, budget: budget, now: now) }
        }
        switch outcome {
        case .created(let created):
            session.identity.bind(patientID: created.id)
            return created
        case .duplicate:
            throw .duplicatePatient
        case .overBudget:
            session.identity.releaseAttempt()
            throw .tooManyAttempts
        }
    }

    /// Reserves one of the conversation's attempts, then runs `body`; a thrown failure (bad
    /// arguments, storage unavailable) confirms nothing, so it gives the attempt back.
    private func spendingAttempt<T>(
        _ tool: String, _ session: CallerSession, _ body: (ClaimSource) async throws(FrontDeskError) -> T
    ) async throws(FrontDeskError) -> T {
        guard session.identity.reserveAttempt(limit: maxFailedVerifications) else { throw .tooManyAttempts }
        do {
            return try await body(ClaimSource(conversationID: session.conversationID, callerNumber: session.callerNumber, tool: tool))
        } catch {
            session.identity.releaseAttempt()
            throw error
        }
    }
}
