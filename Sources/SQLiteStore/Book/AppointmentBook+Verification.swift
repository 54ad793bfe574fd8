import Foundation
import Reception
import Scheduling

extension AppointmentBook {
    /// Outcomes that count against a budget: every answer but a verification of the caller's
    /// own record (a new registration tells that the name + date of birth was not on file).
    private static let spentOutcomes = "('denied', 'created', 'duplicate')"

    // MARK: - Writes

    /// Checks a claim against the records, in one write transaction with its budget check and
    /// its audit row, so concurrent attempts (many calls in one model message) are counted one
    /// by one and none slips past the limit.
    public func verifyPatient(
        _ claim: IdentityClaim, from source: ClaimSource, budget: VerificationBudget = .init(), now: Date = Date()
    ) throws -> VerificationOutcome {
        guard let dob = LocalDate(claim.dateOfBirth) else {
            throw SchedulingError.invalid(field: "date_of_birth", message: "expected YYYY-MM-DD")
        }
        let nameKey = Patient.nameKey(first: claim.firstName, last: claim.lastName)
        let caller = source.callerNumber.map { PhoneNumber($0)?.e164 ?? $0 }
        return try write { db in
            guard try Self.admit(source, caller: caller, nameKey: nameKey, budget: budget, db: db, now: now) else {
                return .overBudget
            }
            let matches = try db.all("SELECT \(Self.patientColumns) FROM patients WHERE name_key = ? AND date_of_birth = ? ORDER BY id",
                                     [v(nameKey), v(dob.description)], Self.patientRow)
            var allowed = matches.count == 1
            if allowed, let caller {
                // Confined to the phone: when the calling number belongs to anyone on file, only
                // one of them can be verified from it (A4).
                let onThisPhone = try db.all("SELECT id FROM patients WHERE phone = ?", [v(caller)]) { $0.int(0) as Int64 }
                allowed = onThisPhone.isEmpty || onThisPhone.contains(matches[0].id)
            }
            try Self.recordAttempt(source, caller: caller, nameKey: nameKey, outcome: allowed ? "verified" : "denied", db: db, now: now)
            return allowed ? .verified(matches[0]) : .denied
        }
    }

    /// Registers a patient on the calling number (or none), counted against the same budget as
    /// a verification: a duplicate confirms a name + date of birth, a creation denies it.
    /// A number that already belongs to someone keeps recognising them: the new patient is
    /// stored with it but is not recognised by it. Throws `.invalid` for bad fields (nothing
    /// is then recorded: such an answer confirms nothing).
    public func registerPatient(
        _ patient: NewPatient, from source: ClaimSource, budget: VerificationBudget = .init(), now: Date = Date()
    ) throws -> RegistrationOutcome {
        let nameKey = Patient.nameKey(first: patient.firstName, last: patient.lastName)
        let caller = source.callerNumber.map { PhoneNumber($0)?.e164 ?? $0 }
        return try write { db in
            guard try Self.admit(source, caller: caller, nameKey: nameKey, budget: budget, db: db, now: now) else {
                return .overBudget
            }
            let created: Patient
            do {
                created = try Self.insertPatient(patient, db: db, now: now)
            } catch SchedulingError.duplicatePatient {
                try Self.recordAttempt(source, caller: caller, nameKey: nameKey, outcome: "duplicate", db: db, now: now)
                return .duplicate
            }
            if let phone = created.phone {
                try db.run("""
                    UPDATE patients SET recognised_by_phone = 0
                    WHERE id = ?1 AND EXISTS (SELECT 1 FROM patients WHERE phone = ?2 AND id <> ?1)
                    """, [v(created.id), v(phone)])
            }
            try Self.recordAttempt(source, caller: caller, nameKey: nameKey, outcome: "created", db: db, now: now)
            return .created(created)
        }
    }

    /// Whether the attempt may be answered; a refusal is recorded (audited) but not counted.
    private static func admit(
        _ source: ClaimSource, caller: String?, nameKey: String, budget: VerificationBudget, db: SQLiteConnection, now: Date
    ) throws -> Bool {
        guard try withinBudget(caller: caller, nameKey: nameKey, budget: budget, db: db, now: now) else {
            try recordAttempt(source, caller: caller, nameKey: nameKey, outcome: "refused", db: db, now: now)
            return false
        }
        return true
    }

    private static func withinBudget(
        caller: String?, nameKey: String, budget: VerificationBudget, db: SQLiteConnection, now: Date
    ) throws -> Bool {
        let since = now.addingTimeInterval(-budget.window).unixSeconds
        if let caller {
            let byCaller: Int = try db.first("""
                SELECT count(*) FROM verification_attempts WHERE caller = ? AND created_at >= ? AND outcome IN \(spentOutcomes)
                """, [v(caller), v(since)]) { $0.int(0) } ?? 0
            if byCaller >= budget.perCallerNumber { return false }
        }
        let byName: Int = try db.first("""
            SELECT count(*) FROM verification_attempts WHERE name_key = ? AND created_at >= ? AND outcome IN \(spentOutcomes)
            """, [v(nameKey), v(since)]) { $0.int(0) } ?? 0
        return byName < budget.perPatientName
    }

    private static func recordAttempt(
        _ source: ClaimSource, caller: String?, nameKey: String, outcome: String, db: SQLiteConnection, now: Date
    ) throws {
        try db.run("""
            INSERT INTO verification_attempts (conversation_id, caller, name_key, tool, outcome, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [v(String(source.conversationID.prefix(200))), v(caller), v(String(nameKey.prefix(200))),
                  v(source.tool), v(outcome), v(now.unixSeconds)])
    }

    // MARK: - Reads

    /// The attempts recorded for a conversation, oldest first, as (tool, outcome): the audit.
    public func verificationAttempts(conversationID: String) throws -> [(tool: String, outcome: String)] {
        try read { db in
            try db.all("SELECT tool, outcome FROM verification_attempts WHERE conversation_id = ? ORDER BY id",
                       [v(conversationID)]) { ($0.text(0), $0.text(1)) }
        }
    }
}
