import Foundation
import Reception
import Scheduling

extension AppointmentBook {
    // MARK: - Writes

    /// Creates a patient. The phone is normalised to E.164. Throws `.invalid` for a bad name,
    /// date of birth or phone, and `.duplicatePatient(existingID:)` when a patient with the same
    /// phone + date of birth or the same name + date of birth already exists.
    public func createPatient(_ patient: NewPatient, now: Date = Date()) throws -> Patient {
        try write { db in try Self.insertPatient(patient, db: db, now: now) }
    }

    static func insertPatient(_ patient: NewPatient, db: SQLiteConnection, now: Date) throws -> Patient {
        let first = patient.firstName.trimmingCharacters(in: .whitespacesAndNewlines)
        let last = patient.lastName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !first.isEmpty else { throw SchedulingError.invalid(field: "first_name", message: "must not be empty") }
        guard !last.isEmpty else { throw SchedulingError.invalid(field: "last_name", message: "must not be empty") }
        guard let dob = LocalDate(patient.dateOfBirth), dob.year >= 1900, dob <= LocalDate(daysSinceEpoch: Int(now.unixSeconds / 86_400) + 1) else {
            throw SchedulingError.invalid(field: "date_of_birth", message: "expected a past date as YYYY-MM-DD")
        }
        var phone: String?
        if let raw = patient.phone, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let number = PhoneNumber(raw) else { throw SchedulingError.invalid(field: "phone", message: "not a valid phone number") }
            phone = number.e164
        }
        var email: String?
        if let raw = patient.email, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let address = EmailAddress(raw) else { throw SchedulingError.invalid(field: "email", message: "is not a valid email address") }
            email = address.text
        }
        let key = Patient.nameKey(first: first, last: last)
        if let existing: Int64 = try db.first("""
            SELECT id FROM patients WHERE date_of_birth = ? AND (name_key = ? OR (phone IS NOT NULL AND phone = ?)) ORDER BY id
            """, [v(dob.description), v(key), v(phone)], { $0.int(0) }) {
            throw SchedulingError.duplicatePatient(existingID: existing)
        }
        if let provider = patient.preferredProviderID,
           try db.first("SELECT 1 FROM providers WHERE id = ?", [v(provider)], { _ in true }) == nil {
            throw SchedulingError.notFound("preferred provider")
        }
        try db.run("""
            INSERT INTO patients (first_name, last_name, name_key, date_of_birth, phone, email, preferred_provider_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [v(first), v(last), v(key), v(dob.description), v(phone), v(email), v(patient.preferredProviderID), v(now.unixSeconds)])
        return Patient(id: db.lastInsertRowID, firstName: first, lastName: last, dateOfBirth: dob.description, phone: phone,
                       email: email, preferredProviderID: patient.preferredProviderID)
    }

    // MARK: - Reads

    public func patient(id: Int64) throws -> Patient? {
        try read { db in try db.first("SELECT \(Self.patientColumns) FROM patients WHERE id = ?", [v(id)], Self.patientRow) }
    }

    /// Every patient on that number (a family may share one). Throws `.invalid` for a malformed number.
    public func patients(byPhone raw: String) throws -> [Patient] {
        guard let number = PhoneNumber(raw) else { throw SchedulingError.invalid(field: "phone", message: "not a valid phone number") }
        return try read { db in
            try db.all("SELECT \(Self.patientColumns) FROM patients WHERE phone = ? ORDER BY id", [v(number.e164)], Self.patientRow)
        }
    }

    /// The patient the number identifies: the one patient recognised by it; nil when none or
    /// several are (then ask who is calling). Patients registered over the phone on a number
    /// that already belonged to someone are on it but not recognised by it (A11).
    public func patient(byPhone raw: String) throws -> Patient? {
        let number = try Self.number(raw)
        return try read { db in try Self.recognised(number, db: db) }
    }

    /// The patient the number identifies, their next booked appointment and the profile, in
    /// one snapshot: the live context of every turn with a caller number, in one read.
    public func recognisedCaller(phone raw: String, now: Date) throws -> RecognisedCaller? {
        let number = try Self.number(raw)
        return try read { db in
            guard let patient = try Self.recognised(number, db: db) else { return nil }
            let next = try db.first("""
                SELECT \(Self.appointmentColumns) FROM appointments
                WHERE patient_id = ? AND start_utc >= ? AND status = 'booked' ORDER BY start_utc, id LIMIT 1
                """, [v(patient.id), v(now.unixSeconds)], Self.appointmentRow)
            return RecognisedCaller(patient: patient, nextAppointment: next, profile: try schedule(db).profile)
        }
    }

    private static func number(_ raw: String) throws -> PhoneNumber {
        guard let number = PhoneNumber(raw) else { throw SchedulingError.invalid(field: "phone", message: "not a valid phone number") }
        return number
    }

    private static func recognised(_ number: PhoneNumber, db: SQLiteConnection) throws -> Patient? {
        let matches = try db.all("SELECT \(patientColumns) FROM patients WHERE phone = ? AND recognised_by_phone = 1 ORDER BY id LIMIT 2",
                                 [v(number.e164)], patientRow)
        return matches.count == 1 ? matches[0] : nil
    }

    /// Patients matching first + last name (case- and whitespace-insensitive) and date of birth.
    public func patients(firstName first: String, lastName last: String, dateOfBirth: String) throws -> [Patient] {
        guard let dob = LocalDate(dateOfBirth) else { throw SchedulingError.invalid(field: "date_of_birth", message: "expected YYYY-MM-DD") }
        return try read { db in
            try db.all("SELECT \(Self.patientColumns) FROM patients WHERE name_key = ? AND date_of_birth = ? ORDER BY id",
                       [v(Patient.nameKey(first: first, last: last)), v(dob.description)], Self.patientRow)
        }
    }

    static let patientColumns = "id, first_name, last_name, date_of_birth, phone, email, preferred_provider_id"

    static func patientRow(_ row: SQLiteRow) -> Patient {
        Patient(id: row.int(0), firstName: row.text(1), lastName: row.text(2), dateOfBirth: row.text(3),
                phone: row.optionalText(4), email: row.optionalText(5), preferredProviderID: row.optionalText(6))
    }
}
