import Foundation
import Scheduling

extension AppointmentBook {
    // MARK: - Reads

    /// The patient's appointments starting at or after `from`, soonest first; booked only
    /// unless `includeInactive`.
    public func appointments(forPatient patientID: Int64, from: Date, includeInactive: Bool = false) throws -> [Appointment] {
        try read { db in
            try db.all("""
                SELECT \(Self.appointmentColumns) FROM appointments
                WHERE patient_id = ? AND start_utc >= ? AND (? OR status = 'booked') ORDER BY start_utc, id
                """, [v(patientID), v(from.unixSeconds), v(includeInactive)], Self.appointmentRow)
        }
    }

    /// The patient's next booked appointment after `after`, if any.
    public func nextAppointment(forPatient patientID: Int64, after: Date) throws -> Appointment? {
        try appointments(forPatient: patientID, from: after).first
    }

    /// One appointment of this patient; another patient's is `.notFound("appointment")`.
    public func appointment(id: Int64, forPatient patientID: Int64) throws -> Appointment {
        try read { db in try Self.appointment(id, forPatient: patientID, db: db) }
    }

    /// The book for staff (the CLI): every appointment, optionally on one local date, for one
    /// provider, or for the patients on one phone number, in time order.
    public func listAppointments(date: LocalDate? = nil, provider: String? = nil, patientPhone: String? = nil) throws -> [AppointmentListing] {
        var phone: String?
        if let patientPhone {
            guard let number = PhoneNumber(patientPhone) else { throw SchedulingError.invalid(field: "patient_phone", message: "not a valid phone number") }
            phone = number.e164
        }
        return try read { db in
            let engine = AvailabilityEngine(schedule: try schedule(db))
            var from = Int64.min, to = Int64.max
            if let date, let start = engine.clock.utcSeconds(date, minutes: 0), let end = engine.clock.utcSeconds(date.adding(days: 1), minutes: 0) {
                (from, to) = (start, end)
            }
            let profile = engine.schedule.profile
            return try db.all("""
                SELECT a.id, a.start_utc, a.end_utc, a.status, a.provider_id, a.service_id, a.location_id,
                       p.first_name, p.last_name, p.phone, a.notes
                FROM appointments a JOIN patients p ON p.id = a.patient_id
                WHERE a.start_utc >= ? AND a.start_utc < ? AND (? IS NULL OR a.provider_id = ?) AND (? IS NULL OR p.phone = ?)
                ORDER BY a.start_utc, a.id
                """, [v(from), v(to), v(provider), v(provider), v(phone), v(phone)]) { row in
                let providerID: String = row.text(4), serviceID: String = row.text(5), locationID: String = row.text(6)
                return AppointmentListing(
                    id: row.int(0), start: Date(unixSeconds: row.int(1)), end: Date(unixSeconds: row.int(2)),
                    status: Appointment.Status(rawValue: row.text(3)) ?? .booked,
                    providerName: profile.providers.first { $0.id == providerID }?.name ?? providerID,
                    serviceName: profile.services.first { $0.id == serviceID }?.name ?? serviceID,
                    locationName: profile.locations.first { $0.id == locationID }?.name ?? locationID,
                    patientName: "\(row.text(7) as String) \(row.text(8) as String)", patientPhone: row.optionalText(9),
                    notes: row.optionalText(10))
            }
        }
    }

    static let appointmentColumns = """
        id, patient_id, provider_id, service_id, location_id, start_utc, end_utc, status, notes, cancel_reason,
        rescheduled_from, conversation_id
        """

    static func appointmentRow(_ row: SQLiteRow) -> Appointment {
        Appointment(id: row.int(0), patientID: row.int(1), providerID: row.text(2), serviceID: row.text(3), locationID: row.text(4),
                    start: Date(unixSeconds: row.int(5)), end: Date(unixSeconds: row.int(6)),
                    status: Appointment.Status(rawValue: row.text(7)) ?? .booked, notes: row.optionalText(8),
                    cancelReason: row.optionalText(9), rescheduledFrom: row.optionalInt(10), conversationID: row.optionalText(11))
    }
}
