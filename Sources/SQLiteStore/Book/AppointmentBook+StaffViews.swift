import Foundation
import Reception
import Scheduling

/// The book as staff read it: filtered, paged appointments with their patients, one
/// appointment with its change history, and patient search.
extension AppointmentBook {
    // MARK: - Appointments

    /// A page of appointments matching `filter`, by start then id. One fixed statement with
    /// optional parameters (SQLite's cache keeps it prepared), walked by (start, id).
    public func appointmentRecords(_ filter: AppointmentFilter, page: PageRequest) throws -> Page<AppointmentRecord> {
        try read { db in
            let (from, to) = try localRange(filter.from, filter.to, db: db)
            let after = page.after
            let rows = try db.all("""
                SELECT \(Self.recordColumns) FROM appointments a JOIN patients p ON p.id = a.patient_id
                WHERE a.start_utc >= ?1 AND a.start_utc < ?2
                  AND (?3 IS NULL OR a.provider_id = ?3) AND (?4 IS NULL OR a.location_id = ?4) AND (?5 IS NULL OR a.service_id = ?5)
                  AND (?6 IS NULL OR a.status = ?6) AND (?7 IS NULL OR a.patient_id = ?7)
                  AND (?8 IS NULL OR instr(coalesce(p.phone, ''), ?8) > 0)
                  AND (?9 IS NULL OR a.start_utc > ?9 OR (a.start_utc = ?9 AND a.id > ?10))
                ORDER BY a.start_utc, a.id LIMIT ?11
                """, [v(from), v(to), v(filter.providerID), v(filter.locationID), v(filter.serviceID), v(filter.status?.rawValue),
                      v(filter.patientID), v(filter.phoneDigits), v(after?.position), v(after.flatMap { Int64($0.id) } ?? 0),
                      v(page.limit + 1)], Self.recordRow)
            let items = Array(rows.prefix(page.limit))
            let next = rows.count > page.limit ? items.last.map { PageCursor(position: $0.appointment.start.unixSeconds, id: String($0.appointment.id)) } : nil
            return Page(items: items, next: next)
        }
    }

    /// One appointment with its patient and every change made to it, oldest first.
    public func appointmentRecord(id: Int64) throws -> AppointmentRecord? {
        try read { db in
            guard var record = try db.first("""
                SELECT \(Self.recordColumns) FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE a.id = ?
                """, [v(id)], Self.recordRow) else { return nil }
            record.changes = try db.all("""
                SELECT \(Self.changeColumns) FROM change_audit WHERE appointment_id = ? ORDER BY id
                """, [v(id)], Self.changeRow)
            return record
        }
    }

    /// UTC bounds of local dates `from` through `to` (inclusive) in the business's zone;
    /// open ends are unbounded.
    func localRange(_ from: LocalDate?, _ to: LocalDate?, db: SQLiteConnection, scale: Int64 = 1) throws -> (Int64, Int64) {
        guard from != nil || to != nil else { return (Int64.min, Int64.max) }
        let clock = try schedule(db).clock
        let start = from.flatMap { clock.utcSeconds($0, minutes: 0) }.map { $0 * scale } ?? Int64.min
        let end = to.flatMap { clock.utcSeconds($0.adding(days: 1), minutes: 0) }.map { $0 * scale } ?? Int64.max
        return (start, end)
    }

    static let recordColumns = """
        a.id, a.patient_id, a.provider_id, a.service_id, a.location_id, a.start_utc, a.end_utc, a.status, a.notes, a.cancel_reason,
        a.rescheduled_from, a.conversation_id, a.confirmed_at, a.created_at, a.updated_at,
        p.id, p.first_name, p.last_name, p.date_of_birth, p.phone, p.email, p.preferred_provider_id
        """

    static func recordRow(_ row: SQLiteRow) -> AppointmentRecord {
        AppointmentRecord(
            appointment: appointmentRow(row),
            patient: Patient(id: row.int(15), firstName: row.text(16), lastName: row.text(17), dateOfBirth: row.text(18),
                             phone: row.optionalText(19), email: row.optionalText(20), preferredProviderID: row.optionalText(21)),
            confirmedAt: row.optionalInt(12).map(Date.init(unixSeconds:)), createdAt: Date(unixSeconds: row.int(13)),
            updatedAt: Date(unixSeconds: row.int(14)))
    }

    static let changeColumns = "appointment_id, action, actor_kind, actor_id, channel, conversation_id, created_at"

    static func changeRow(_ row: SQLiteRow) -> AppointmentChange {
        AppointmentChange(
            appointmentID: row.optionalInt(0), action: row.text(1), actorKind: ChangeRecord.ActorKind(rawValue: row.text(2)) ?? .system,
            actorID: row.optionalText(3), channel: row.text(4), conversationID: row.optionalText(5), at: Date(unixSeconds: row.int(6)))
    }

    // MARK: - Patients

    /// Patients whose name contains `query` (any case) or, when it has digits, whose number
    /// contains them; by id.
    public func patients(matching query: String?, page: PageRequest) throws -> Page<Patient> {
        let text = query?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let words = text.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }.flatMap { $0.isEmpty ? nil : $0 }
        let digits = text.map { String($0.filter(\.isASCII).filter(\.isNumber)) }.flatMap { $0.isEmpty ? nil : $0 }
        let afterID = page.after.flatMap { Int64($0.id) } ?? 0
        return try read { db in
            // name_key is "first|last", lowercased: match each name and the whole "first last".
            let rows = try db.all("""
                SELECT \(Self.patientColumns) FROM patients
                WHERE id > ?3 AND (?1 IS NULL
                    OR instr(replace(name_key, '|', ' '), ?1) > 0
                    OR (?2 IS NOT NULL AND instr(coalesce(phone, ''), ?2) > 0))
                ORDER BY id LIMIT ?4
                """, [v(words), v(digits), v(afterID), v(page.limit + 1)], Self.patientRow)
            let items = Array(rows.prefix(page.limit))
            let next = rows.count > page.limit ? items.last.map { PageCursor(position: $0.id, id: String($0.id)) } : nil
            return Page(items: items, next: next)
        }
    }

    /// Adds a patient for staff, audited. With a key seen before, the patient that key created.
    public func createPatient(_ patient: NewPatient, idempotencyKey: String?, change: ChangeRecord, now: Date) throws -> Patient {
        try write { db in
            if let idempotencyKey,
               let existing = try db.first("""
                   SELECT \(Self.patientColumns) FROM patients WHERE id = (SELECT patient_id FROM patient_request_keys WHERE key = ?)
                   """, [v(idempotencyKey)], Self.patientRow) {
                return existing
            }
            let created = try Self.insertPatient(patient, db: db, now: now)
            try Self.keepRecognitionOfSharedNumber(created, db: db)
            if let idempotencyKey {
                try db.run("INSERT INTO patient_request_keys (key, patient_id, created_at) VALUES (?, ?, ?)",
                           [v(idempotencyKey), v(created.id), v(now.unixSeconds)])
            }
            try Self.auditPatient("patient.created", created.id, change: change, detail: nil, db: db, now: now)
            return created
        }
    }

    /// Changes a patient's phone or email, audited. A number that, with the date of birth,
    /// is already another patient's is `.duplicatePatient`.
    public func updateContact(patientID: Int64, _ update: ContactUpdate, change: ChangeRecord, now: Date) throws -> Patient {
        var phone: String??
        switch update.phone {
        case .unchanged: phone = .none
        case .cleared: phone = .some(nil)
        case .set(let raw):
            guard let number = PhoneNumber(raw) else { throw SchedulingError.invalid(field: "phone", message: "not a valid phone number") }
            phone = .some(number.e164)
        }
        var email: String??
        switch update.email {
        case .unchanged: email = .none
        case .cleared: email = .some(nil)
        case .set(let raw):
            guard let address = EmailAddress(raw) else { throw SchedulingError.invalid(field: "email", message: "is not a valid email address") }
            email = .some(address.text)
        }
        return try write { db in
            guard var patient = try db.first("SELECT \(Self.patientColumns) FROM patients WHERE id = ?", [v(patientID)], Self.patientRow) else {
                throw SchedulingError.notFound("patient")
            }
            var changed: [String] = []
            if let phone, phone != patient.phone {
                if let phone, let other: Int64 = try db.first(
                    "SELECT id FROM patients WHERE phone = ? AND date_of_birth = ? AND id <> ?", [v(phone), v(patient.dateOfBirth), v(patientID)],
                    { $0.int(0) }) {
                    throw SchedulingError.duplicatePatient(existingID: other)
                }
                patient.phone = phone
                changed.append("phone")
            }
            if let email, email != patient.email {
                patient.email = email
                changed.append("email")
            }
            guard !changed.isEmpty else { return patient }
            try db.run("UPDATE patients SET phone = ?, email = ?, recognised_by_phone = 1 WHERE id = ?",
                       [v(patient.phone), v(patient.email), v(patientID)])
            try Self.keepRecognitionOfSharedNumber(patient, db: db)
            try Self.auditPatient("patient.updated", patientID, change: change, detail: changed.joined(separator: ","), db: db, now: now)
            return patient
        }
    }

    /// A patient added on a number that already belongs to someone is on it but not recognised
    /// by it (A11): calling from it keeps identifying whoever it identified before.
    static func keepRecognitionOfSharedNumber(_ patient: Patient, db: SQLiteConnection) throws {
        guard let phone = patient.phone else { return }
        try db.run("""
            UPDATE patients SET recognised_by_phone = 0
            WHERE id = ?1 AND EXISTS (SELECT 1 FROM patients WHERE phone = ?2 AND id <> ?1)
            """, [v(patient.id), v(phone)])
    }

    static func auditPatient(_ action: String, _ patientID: Int64, change: ChangeRecord, detail: String?, db: SQLiteConnection, now: Date) throws {
        try db.run("""
            INSERT INTO change_audit (action, appointment_id, patient_id, actor_kind, actor_id, conversation_id, channel, detail, created_at)
            VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?)
            """, [v(action), v(patientID), v(change.actorKind.rawValue), v(change.actorID), v(change.conversationID), v(change.channel),
                  v(detail), v(now.unixSeconds)])
    }
}

extension AppointmentBook {
    // MARK: - The day

    /// Every provider's working time (all locations), appointments and live holds on `date`,
    /// in one snapshot.
    public func daySheet(on date: LocalDate, now: Date) throws -> DaySheet {
        try read { db in
            let schedule = try schedule(db)
            let clock = schedule.clock
            guard let dayStart = clock.utcSeconds(date, minutes: 0), let dayEnd = clock.utcSeconds(date.adding(days: 1), minutes: 0) else {
                return DaySheet(date: date, columns: [])
            }
            let records = try db.all("""
                SELECT \(Self.recordColumns) FROM appointments a JOIN patients p ON p.id = a.patient_id
                WHERE a.start_utc >= ? AND a.start_utc < ? ORDER BY a.start_utc, a.id
                """, [v(dayStart), v(dayEnd)], Self.recordRow)
            let holds = try db.all("""
                SELECT id, conversation_id, provider_id, service_id, location_id, start_utc, end_utc, expires_at FROM holds
                WHERE status = 'active' AND expires_at > ? AND start_utc >= ? AND start_utc < ? ORDER BY start_utc, id
                """, [v(now.unixSeconds), v(dayStart), v(dayEnd)]) { row in
                Hold(id: row.int(0), conversationID: row.text(1),
                     slot: Slot(start: Date(unixSeconds: row.int(5)), end: Date(unixSeconds: row.int(6)), providerID: row.text(2),
                                locationID: row.text(4), serviceID: row.text(3)),
                     expiresAt: Date(unixSeconds: row.int(7)))
            }
            let columns = schedule.profile.providers.map { provider -> DaySheet.Column in
                let working = provider.locations.flatMap { location in
                    schedule.workingPeriods(provider: provider.id, location: location, on: date).compactMap { period -> DateInterval? in
                        guard let start = clock.date(date, minutes: period.lowerBound), let end = clock.date(date, minutes: period.upperBound),
                              end > start else { return nil }
                        return DateInterval(start: start, end: end)
                    }
                }.sorted { $0.start < $1.start }
                return DaySheet.Column(providerID: provider.id, working: working,
                                       appointments: records.filter { $0.appointment.providerID == provider.id },
                                       holds: holds.filter { $0.slot.providerID == provider.id })
            }
            return DaySheet(date: date, columns: columns)
        }
    }

    // MARK: - Events

    public func events(after sequence: Int64, limit: Int) throws -> [StaffEvent] {
        try outboxEvents(after: sequence, limit: limit).map {
            StaffEvent(sequence: $0.sequence, eventID: $0.eventID, type: $0.type, appointmentID: $0.appointmentID, createdAt: $0.createdAt,
                       data: $0.data)
        }
    }

    public func latestEventSequence() throws -> Int64 {
        try read { db in try db.first("SELECT coalesce(max(id), 0) FROM outbox") { $0.int(0) } ?? 0 }
    }
}
