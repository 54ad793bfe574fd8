import Foundation
import Reception
import Scheduling

/// Texts to patients, kept like bookings: a confirmation and the reminders of an appointment
/// are written in the same transaction as the change itself (so they exist exactly when it
/// does, and a cancelled appointment's reminders are cancelled with it); sending claims rows
/// under a lease, as webhook deliveries do.
extension AppointmentBook {
    // MARK: - Written with the change

    /// The confirmation of a change and the appointment's reminders, per the business's texting
    /// settings; nothing when it has none or the patient has no number.
    func scheduleTexts(for kind: OutboxEvent.Kind, _ appointment: Appointment, eventRow: Int64, db: SQLiteConnection, now: Date) throws {
        switch kind {
        case .bookingConfirmed: try recordReminderCallOutcome("confirmed", appointmentID: appointment.id, db: db)
        case .bookingCancelled: try recordReminderCallOutcome("cancelled", appointmentID: appointment.id, db: db)
        case .bookingRescheduled:
            if let previous = appointment.rescheduledFrom { try recordReminderCallOutcome("rescheduled", appointmentID: previous, db: db) }
        default: break
        }
        switch kind {
        case .bookingConfirmed:
            // Confirmed after a reminder went out: the reminder did its job.
            if let sent: Int64 = try db.first("""
                SELECT id FROM text_messages WHERE appointment_id = ? AND kind = 'reminder' AND state = 'sent' ORDER BY sent_at_ms DESC LIMIT 1
                """, [v(appointment.id)], { $0.int(0) }) {
                try Self.reminderEvent("reminder.confirmed", textID: sent, note: nil, db: db, now: now)
            }
        case .bookingCancelled:
            try cancelReminders(of: appointment.id, db: db)
        case .bookingRescheduled:
            if let previous = appointment.rescheduledFrom { try cancelReminders(of: previous, db: db) }
        default: break
        }
        guard let settings = try schedule(db).profile.messaging,
              let phone: String = try db.first("SELECT phone FROM patients WHERE id = ?", [v(appointment.patientID)], { $0.optionalText(0) }) ?? nil
        else { return }
        let template: String? = switch kind {
        case .bookingCreated: "booked"
        case .bookingRescheduled: "rescheduled"
        case .bookingCancelled: "cancelled"
        default: nil
        }
        let nowMs = now.unixMilliseconds
        if settings.confirmations, let template,
           let eventID: String = try db.first("SELECT event_id FROM outbox WHERE id = ?", [v(eventRow)], { $0.text(0) }) {
            try db.run("""
                INSERT OR IGNORE INTO text_messages (key, kind, template, appointment_id, to_number, state, next_attempt_at_ms, created_at)
                VALUES (?, 'confirmation', ?, ?, ?, 'waiting', ?, ?)
                """, [v("confirm:\(eventID)"), v(template), v(appointment.id), v(phone), v(nowMs), v(now.unixSeconds)])
        }
        guard kind == .bookingCreated || kind == .bookingRescheduled else { return }
        let startMs = appointment.start.unixMilliseconds
        // A reminder whose time has already passed when the appointment is made is not sent:
        // the confirmation has just told the patient.
        for reminder in settings.reminders {
            let dueMs = startMs - Int64(reminder.beforeMinutes) * 60_000
            guard dueMs > nowMs else { continue }
            if reminder.channel == .call {
                try db.run("""
                    INSERT OR IGNORE INTO reminder_calls (key, appointment_id, to_number, only_if_unconfirmed, state, not_after_ms,
                                                          next_attempt_at_ms, created_at)
                    VALUES (?, ?, ?, ?, 'waiting', ?, ?, ?)
                    """, [v("reminder-call-\(appointment.id)-\(reminder.beforeMinutes)"), v(appointment.id), v(phone),
                          v(reminder.onlyIfUnconfirmed), v(startMs), v(dueMs), v(now.unixSeconds)])
                continue
            }
            try db.run("""
                INSERT OR IGNORE INTO text_messages (key, kind, template, appointment_id, to_number, state, not_after_ms, next_attempt_at_ms,
                                                     created_at)
                VALUES (?, 'reminder', 'reminder', ?, ?, 'waiting', ?, ?, ?)
                """, [v("reminder:\(appointment.id):\(reminder.beforeMinutes)"), v(appointment.id), v(phone), v(startMs), v(dueMs),
                      v(now.unixSeconds)])
        }
    }

    private func cancelReminders(of appointmentID: Int64, db: SQLiteConnection) throws {
        try db.run("""
            UPDATE text_messages SET state = 'cancelled', note = 'the appointment was cancelled or moved'
            WHERE appointment_id = ? AND kind = 'reminder' AND state = 'waiting'
            """, [v(appointmentID)])
        try db.run("""
            UPDATE reminder_calls SET state = 'cancelled', note = 'the appointment was cancelled or moved'
            WHERE appointment_id = ? AND state = 'waiting'
            """, [v(appointmentID)])
    }

    /// What a placed reminder call led to, whoever made the change (the patient on that call,
    /// by text, or staff): the latest change wins.
    private func recordReminderCallOutcome(_ outcome: String, appointmentID: Int64, db: SQLiteConnection) throws {
        try db.run("UPDATE reminder_calls SET outcome = ? WHERE appointment_id = ? AND state = 'placed'", [v(outcome), v(appointmentID)])
    }

    // MARK: - Sending

    /// Whether any text is due (a read: an idle business costs no write lock).
    public func textsDue(now: Date) throws -> Bool {
        try read { db in
            try db.first("SELECT EXISTS (SELECT 1 FROM text_messages WHERE state = 'waiting' AND next_attempt_at_ms <= ?)",
                         [v(now.unixMilliseconds)]) { $0.bool(0) } ?? false
        }
    }

    /// Claims the texts due by `now` under a lease, with what deciding and wording them needs.
    public func claimDueTexts(now: Date, limit: Int, lease: TimeInterval) throws -> [TextToSend] {
        try write { db in
            let profile = try schedule(db).profile
            let nowMs = now.unixMilliseconds
            let rows = try db.all("""
                SELECT m.id, m.kind, m.template, m.to_number, m.body, m.not_after_ms, m.attempts, m.appointment_id,
                       a.start_utc, a.status, a.provider_id, a.service_id, a.location_id, p.first_name,
                       EXISTS (SELECT 1 FROM text_opt_outs o WHERE o.number = m.to_number),
                       (SELECT count(*) FROM text_messages s WHERE s.to_number = m.to_number AND s.state = 'sent' AND s.kind <> 'reply'
                                                             AND s.sent_at_ms > ?1 - 86400000)
                FROM text_messages m LEFT JOIN appointments a ON a.id = m.appointment_id LEFT JOIN patients p ON p.id = a.patient_id
                WHERE m.state = 'waiting' AND m.next_attempt_at_ms <= ?1
                ORDER BY m.next_attempt_at_ms, m.id LIMIT ?2
                """, [v(nowMs), v(limit)]) { row -> TextToSend in
                TextToSend(
                    id: row.int(0), kind: row.text(1), template: row.optionalText(2), to: row.text(3), body: row.optionalText(4),
                    notAfter: row.optionalInt(5).map(Date.init(unixMilliseconds:)), attempts: row.int(6),
                    appointment: row.optionalInt(7).map { _ in
                        TextToSend.AppointmentFacts(start: Date(unixSeconds: row.int(8)), status: row.text(9), providerID: row.text(10),
                                                    serviceID: row.text(11), locationID: row.text(12), firstName: row.optionalText(13))
                    },
                    optedOut: row.bool(14), sentToday: row.int(15), settings: profile.messaging, profile: profile)
            }
            for text in rows {
                try db.run("UPDATE text_messages SET next_attempt_at_ms = ? WHERE id = ?", [v(nowMs + Int64(lease * 1000)), v(text.id)])
            }
            return rows
        }
    }

    /// What became of a claimed text.
    public func recordText(id: Int64, outcome: TextOutcome, now: Date) throws {
        try write { db in
            let nowMs = now.unixMilliseconds
            switch outcome {
            case .sent(let body, let providerID):
                try db.run("""
                    UPDATE text_messages SET state = 'sent', body = ?, provider_message_id = ?, sent_at_ms = ?, attempts = attempts + 1, note = NULL
                    WHERE id = ?
                    """, [v(body), v(providerID), v(nowMs), v(id)])
                try Self.reminderEvent("reminder.sent", textID: id, note: nil, db: db, now: now)
            case .wait(let until, let note):
                try db.run("UPDATE text_messages SET next_attempt_at_ms = ?, note = ? WHERE id = ?", [v(until.unixMilliseconds), v(note), v(id)])
            case .retry(let at, let note):
                try db.run("UPDATE text_messages SET next_attempt_at_ms = ?, attempts = attempts + 1, note = ? WHERE id = ?",
                           [v(at.unixMilliseconds), v(note), v(id)])
            case .failed(let note):
                try db.run("UPDATE text_messages SET state = 'failed', attempts = attempts + 1, note = ? WHERE id = ?", [v(note), v(id)])
                try Self.reminderEvent("reminder.failed", textID: id, note: note, db: db, now: now)
            case .skipped(let note):
                try db.run("UPDATE text_messages SET state = 'skipped', note = ? WHERE id = ?", [v(note), v(id)])
            }
        }
    }

    /// `reminder.sent` / `reminder.failed` for a reminder text, in the transaction that records it.
    static func reminderEvent(_ type: String, textID: Int64, note: String?, db: SQLiteConnection, now: Date) throws {
        guard let (appointmentID, to): (Int64, String) = try db.first(
            "SELECT appointment_id, to_number FROM text_messages WHERE id = ? AND kind = 'reminder'", [v(textID)], { ($0.int(0), $0.text(1)) })
        else { return }
        var data: [String: Any] = ["appointment_id": appointmentID, "text_id": textID, "channel": "sms", "to": to,
                                   "at": ISO8601DateFormatter().string(from: now)]
        if let note { data["error"] = note }
        let json = try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys, .withoutEscapingSlashes])
        try db.run("INSERT INTO outbox (type, appointment_id, data, created_at) VALUES (?, ?, ?, ?)",
                   [v(type), v(appointmentID), v(String(decoding: json, as: UTF8.self)), v(now.unixSeconds)])
    }

    // MARK: - Replies and opt-outs

    /// A text to send back now (a reply to a patient's text), once per key.
    public func queueReply(key: String, to number: String, body: String, appointmentID: Int64?, now: Date) throws {
        try write { db in
            try db.run("""
                INSERT OR IGNORE INTO text_messages (key, kind, appointment_id, to_number, body, state, next_attempt_at_ms, created_at)
                VALUES (?, 'reply', ?, ?, ?, 'waiting', ?, ?)
                """, [v(key), v(appointmentID), v(number), v(body), v(now.unixMilliseconds), v(now.unixSeconds)])
        }
    }

    public func setOptOut(number: String, optedOut: Bool, now: Date) throws {
        try write { db in
            if optedOut {
                try db.run("INSERT OR IGNORE INTO text_opt_outs (number, opted_out_at) VALUES (?, ?)", [v(number), v(now.unixSeconds)])
            } else {
                try db.run("DELETE FROM text_opt_outs WHERE number = ?", [v(number)])
            }
        }
    }

    public func addInboxMessage(from number: String, patientID: Int64?, body: String, note: String?, now: Date) throws {
        try write { db in
            try db.run("INSERT INTO inbox_messages (from_number, patient_id, body, note, received_at) VALUES (?, ?, ?, ?, ?)",
                       [v(number), v(patientID), v(String(body.prefix(2000))), v(note), v(now.unixSeconds)])
        }
    }

    public func inboxMessages(limit: Int) throws -> [InboxMessage] {
        try read { db in
            try db.all("""
                SELECT i.id, i.from_number, i.patient_id, p.first_name || ' ' || p.last_name, i.body, i.note, i.received_at, i.handled_at
                FROM inbox_messages i LEFT JOIN patients p ON p.id = i.patient_id ORDER BY i.id DESC LIMIT ?
                """, [v(limit)]) { row in
                InboxMessage(id: row.int(0), from: row.text(1), patientID: row.optionalInt(2), patientName: row.optionalText(3), body: row.text(4),
                             note: row.optionalText(5), receivedAt: Date(unixSeconds: row.int(6)),
                             handledAt: row.optionalInt(7).map(Date.init(unixSeconds:)))
            }
        }
    }

    public func textMessages(limit: Int) throws -> [TextRecord] {
        try read { db in
            try db.all("""
                SELECT id, kind, to_number, state, appointment_id, body, sent_at_ms, provider_message_id, note, key FROM text_messages
                ORDER BY id DESC LIMIT ?
                """, [v(limit)]) { row in
                TextRecord(id: row.int(0), kind: row.text(1), to: row.text(2), state: row.text(3), appointmentID: row.optionalInt(4),
                           body: row.optionalText(5), sentAt: row.optionalInt(6).map(Date.init(unixMilliseconds:)),
                           providerMessageID: row.optionalText(7), note: row.optionalText(8), key: row.text(9))
            }
        }
    }

    // MARK: - Reminder calls

    public func reminderCallsDue(now: Date) throws -> Bool {
        try read { db in
            try db.first("SELECT EXISTS (SELECT 1 FROM reminder_calls WHERE state = 'waiting' AND next_attempt_at_ms <= ?)",
                         [v(now.unixMilliseconds)]) { $0.bool(0) } ?? false
        }
    }

    /// Claims due reminder calls under a lease, with the appointment's facts.
    public func claimDueReminderCalls(now: Date, limit: Int, lease: TimeInterval) throws -> [ReminderCallToPlace] {
        try write { db in
            let profile = try schedule(db).profile
            let rows = try db.all("""
                SELECT r.id, r.key, r.to_number, r.only_if_unconfirmed, r.not_after_ms, r.attempts, a.id, a.start_utc, a.status,
                       a.confirmed_at IS NOT NULL, a.provider_id, a.service_id, a.location_id, p.first_name
                FROM reminder_calls r JOIN appointments a ON a.id = r.appointment_id JOIN patients p ON p.id = a.patient_id
                WHERE r.state = 'waiting' AND r.next_attempt_at_ms <= ? ORDER BY r.next_attempt_at_ms, r.id LIMIT ?
                """, [v(now.unixMilliseconds), v(limit)]) { row in
                ReminderCallToPlace(
                    id: row.int(0), key: row.text(1), to: row.text(2), onlyIfUnconfirmed: row.bool(3),
                    notAfter: Date(unixMilliseconds: row.int(4)), attempts: row.int(5), appointmentID: row.int(6),
                    appointment: TextToSend.AppointmentFacts(start: Date(unixSeconds: row.int(7)), status: row.text(8), providerID: row.text(10),
                                                             serviceID: row.text(11), locationID: row.text(12), firstName: row.optionalText(13)),
                    confirmed: row.bool(9), settings: profile.messaging, profile: profile)
            }
            for call in rows {
                try db.run("UPDATE reminder_calls SET next_attempt_at_ms = ? WHERE id = ?",
                           [v(now.unixMilliseconds + Int64(lease * 1000)), v(call.id)])
            }
            return rows
        }
    }

    public func recordReminderCall(id: Int64, outcome: ReminderCallOutcome, now: Date) throws {
        try write { db in
            switch outcome {
            case .placed(let eventID):
                try db.run("""
                    UPDATE reminder_calls SET state = 'placed', scheduled_event_id = ?, placed_at_ms = ?, attempts = attempts + 1, note = NULL
                    WHERE id = ?
                    """, [v(eventID), v(now.unixMilliseconds), v(id)])
            case .wait(let until, let note):
                try db.run("UPDATE reminder_calls SET next_attempt_at_ms = ?, note = ? WHERE id = ?", [v(until.unixMilliseconds), v(note), v(id)])
            case .retry(let at, let note):
                try db.run("UPDATE reminder_calls SET next_attempt_at_ms = ?, attempts = attempts + 1, note = ? WHERE id = ?",
                           [v(at.unixMilliseconds), v(note), v(id)])
            case .failed(let note):
                try db.run("UPDATE reminder_calls SET state = 'failed', attempts = attempts + 1, note = ? WHERE id = ?", [v(note), v(id)])
                if let appointment: Int64 = try db.first("SELECT appointment_id FROM reminder_calls WHERE id = ?", [v(id)], { $0.int(0) }) {
                    let data = #"{"appointment_id":\#(appointment),"channel":"call","reminder_call_id":\#(id)}"#
                    try db.run("INSERT INTO outbox (type, appointment_id, data, created_at) VALUES ('reminder.failed', ?, ?, ?)",
                               [v(appointment), v(data), v(now.unixSeconds)])
                }
            case .skipped(let note):
                try db.run("UPDATE reminder_calls SET state = 'skipped', note = ? WHERE id = ?", [v(note), v(id)])
            }
        }
    }

    /// What a reminder call is about: for the assistant on that call (its live context and
    /// `get_reminder_context`), by the reminder call's id.
    public func reminderContext(id: Int64) throws -> ReminderContext? {
        try read { db in
            let profile = try schedule(db).profile
            return try db.first("""
                SELECT r.id, r.state, r.outcome, a.id, a.start_utc, a.status, a.confirmed_at IS NOT NULL, a.provider_id, a.service_id,
                       a.location_id, p.id, p.first_name, r.to_number
                FROM reminder_calls r JOIN appointments a ON a.id = r.appointment_id JOIN patients p ON p.id = a.patient_id WHERE r.id = ?
                """, [v(id)]) { row in
                ReminderContext(
                    reminderID: row.int(0), state: row.text(1), outcome: row.optionalText(2), appointmentID: row.int(3),
                    start: Date(unixSeconds: row.int(4)), status: row.text(5), confirmed: row.bool(6),
                    providerName: profile.providers.first { $0.id == (row.text(7) as String) }?.name ?? row.text(7),
                    serviceName: profile.services.first { $0.id == (row.text(8) as String) }?.name ?? row.text(8),
                    locationName: profile.locations.first { $0.id == (row.text(9) as String) }?.name ?? row.text(9),
                    patientID: row.int(10), firstName: row.text(11), calledNumber: row.text(12))
            }
        }
    }
}
