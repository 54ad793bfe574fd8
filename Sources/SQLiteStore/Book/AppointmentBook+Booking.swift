import Foundation
import Logging
import Reception
import Scheduling

extension AppointmentBook {
    // MARK: - Writes (invariant-preserving transactions)

    /// Books `request` or throws why not (`SchedulingError`: `.slotUnavailable(alternatives:)`,
    /// `.outsideHours`, `.closedDate`, `.insideMinimumNotice`, `.beyondHorizon`, `.inPast`,
    /// `.notFound`, `.invalid`).
    ///
    /// The free-slot check runs inside `BEGIN IMMEDIATE`, so no other writer (thread or
    /// process) can take the slot between check and insert; the overlap trigger backs it.
    /// With an `idempotencyKey` already used, returns the appointment that key booked.
    /// The booking commits with its audit row and its `booking.created` event (`change`).
    public func book(_ request: BookingRequest, change: ChangeRecord = .system("direct"), now: Date) throws -> Appointment {
        try write { db in try self.book(request, change: change, db: db, now: now) }
    }

    func book(_ request: BookingRequest, change: ChangeRecord, db: SQLiteConnection, now: Date) throws -> Appointment {
        if let key = request.idempotencyKey, let earlier = try Self.idempotentResult(key, db: db) { return earlier }
        guard try db.first("SELECT 1 FROM patients WHERE id = ?", [v(request.patientID)], { _ in true }) != nil else {
            throw SchedulingError.notFound("patient")
        }
        let engine = AvailabilityEngine(schedule: try schedule(db))
        let busy = try busyIntervals(around: request.start, engine: engine, excludingHoldsOf: request.conversationID, db: db, now: now)
        let slot = try engine.check(request, busy: busy, now: now).get()
        let appointment = try insertAppointment(slot: slot, engine: engine, patientID: request.patientID, notes: request.notes,
                                                rescheduledFrom: nil, conversationID: request.conversationID, change: change,
                                                db: db, now: now)
        if let key = request.idempotencyKey {
            try db.run("INSERT INTO idempotency_keys (key, appointment_id, created_at) VALUES (?, ?, ?)",
                       [v(key), v(appointment.id), v(now.unixSeconds)])
        }
        // The conversation's own hold on this time has served its purpose.
        if let conversation = request.conversationID {
            try db.run("""
                UPDATE holds SET status = 'confirmed', appointment_id = ?
                WHERE conversation_id = ? AND status = 'active' AND provider_id = ? AND start_utc = ?
                """, [v(appointment.id), v(conversation), v(slot.providerID), v(slot.start.unixSeconds)])
        }
        return appointment
    }

    /// Holds a slot for `conversationID` for the business's hold time, releasing that
    /// conversation's earlier holds. Throws like `book`.
    public func hold(
        serviceID: String, providerID: String? = nil, locationID: String? = nil, start: Date, conversationID: String, now: Date
    ) throws -> Hold {
        try write { db in
            let engine = AvailabilityEngine(schedule: try schedule(db))
            let request = BookingRequest(patientID: 0, serviceID: serviceID, providerID: providerID, locationID: locationID,
                                         start: start, conversationID: conversationID)
            try db.run("UPDATE holds SET status = 'released' WHERE conversation_id = ? AND status = 'active'", [v(conversationID)])
            let busy = try busyIntervals(around: start, engine: engine, excludingHoldsOf: conversationID, db: db, now: now)
            let slot = try engine.check(request, busy: busy, now: now).get()
            let service = try engine.resolveService(serviceID)
            let expires = now.unixSeconds + Int64(engine.schedule.rules.holdMinutes) * 60
            try db.run("""
                INSERT INTO holds (conversation_id, provider_id, service_id, location_id, start_utc, end_utc,
                                   block_start_utc, block_end_utc, expires_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [v(conversationID), v(slot.providerID), v(slot.serviceID), v(slot.locationID), v(slot.start.unixSeconds),
                      v(slot.end.unixSeconds), v(slot.start.unixSeconds - Int64(service.bufferBefore) * 60),
                      v(slot.end.unixSeconds + Int64(service.bufferAfter) * 60), v(expires), v(now.unixSeconds)])
            return Hold(id: db.lastInsertRowID, conversationID: conversationID, slot: slot, expiresAt: Date(unixSeconds: expires))
        }
    }

    /// Turns the conversation's hold into a booking. Throws `.notFound("hold")` for a hold of
    /// another conversation, `.holdExpired` once it lapsed (or was released), else like `book`.
    public func confirmHold(
        _ holdID: Int64, patientID: Int64, conversationID: String, notes: String? = nil, idempotencyKey: String? = nil,
        change: ChangeRecord = .system("direct"), now: Date
    ) throws -> Appointment {
        try write { db in
            if let key = idempotencyKey, let earlier = try Self.idempotentResult(key, db: db) { return earlier }
            guard let held = try db.first("""
                SELECT service_id, provider_id, location_id, start_utc, status, expires_at FROM holds WHERE id = ? AND conversation_id = ?
                """, [v(holdID), v(conversationID)], { row in
                (service: row.text(0) as String, provider: row.text(1) as String, location: row.text(2) as String,
                 start: row.int(3) as Int64, status: row.text(4) as String, expires: row.int(5) as Int64)
            }) else { throw SchedulingError.notFound("hold") }
            guard held.status == "active", held.expires > now.unixSeconds else { throw SchedulingError.holdExpired }
            let request = BookingRequest(patientID: patientID, serviceID: held.service, providerID: held.provider, locationID: held.location,
                                         start: Date(unixSeconds: held.start), notes: notes, conversationID: conversationID,
                                         idempotencyKey: idempotencyKey)
            return try book(request, change: change, db: db, now: now)
        }
    }

    /// Cancels the patient's booked appointment (`patientID` nil: any patient's). Another
    /// patient's appointment is `.notFound`; one already cancelled is returned as it is (a
    /// retried cancel is harmless, and emits nothing); a completed or past one is refused.
    public func cancel(
        appointmentID: Int64, forPatient patientID: Int64?, reason: String?, conversationID: String?,
        change: ChangeRecord = .system("direct"), now: Date
    ) throws -> Appointment {
        try cancelReporting(appointmentID: appointmentID, forPatient: patientID, reason: reason, conversationID: conversationID,
                            change: change, now: now).appointment
    }

    /// `cancel`, telling too whether this call cancelled it (false: it was already cancelled),
    /// so a repeated cancel is said to be already done and is not counted twice.
    public func cancelReporting(
        appointmentID: Int64, forPatient patientID: Int64?, reason: String?, conversationID: String?,
        change: ChangeRecord = .system("direct"), now: Date
    ) throws -> (appointment: Appointment, changed: Bool) {
        try write { db in
            let appointment = try Self.appointment(appointmentID, forPatient: patientID, db: db)
            if appointment.status == .cancelled { return (appointment, false) }
            guard appointment.status == .booked else { throw SchedulingError.notBooked }
            guard appointment.start > now else { throw SchedulingError.inPast }
            try db.run("UPDATE appointments SET status = 'cancelled', cancel_reason = ?, conversation_id = ?, updated_at = ? WHERE id = ?",
                       [v(reason), v(conversationID), v(now.unixSeconds), v(appointmentID)])
            let cancelled = try Self.appointment(appointmentID, forPatient: patientID, db: db)
            try recordChange(.bookingCancelled, cancelled, change: change, detail: reason, db: db, now: now)
            return (cancelled, true)
        }
    }

    /// Marks the patient's booked appointment (`patientID` nil: any patient's) as confirmed by
    /// them. Confirming twice is harmless and emits nothing the second time.
    public func confirmAppointment(
        appointmentID: Int64, forPatient patientID: Int64?, change: ChangeRecord = .system("direct"), now: Date
    ) throws -> Appointment {
        try write { db in
            let appointment = try Self.appointment(appointmentID, forPatient: patientID, db: db)
            guard appointment.status == .booked else { throw SchedulingError.notBooked }
            guard appointment.start > now else { throw SchedulingError.inPast }
            let changed = try db.run("UPDATE appointments SET confirmed_at = ?, updated_at = ? WHERE id = ? AND confirmed_at IS NULL",
                                     [v(now.unixSeconds), v(now.unixSeconds), v(appointmentID)])
            if changed > 0 { try recordChange(.bookingConfirmed, appointment, change: change, detail: nil, db: db, now: now) }
            return appointment
        }
    }

    /// Moves the patient's appointment to `newStart` (same service; same provider unless
    /// `providerID` is given) in one transaction: the new appointment is booked and the old one
    /// cancelled with reason "rescheduled", or nothing changes. Returns the new appointment,
    /// whose `rescheduledFrom` is the old id. Throws like `book`, plus `.notFound`/`.notBooked`.
    public func reschedule(
        appointmentID: Int64, forPatient patientID: Int64?, to newStart: Date, providerID: String? = nil, locationID: String? = nil,
        conversationID: String? = nil, idempotencyKey: String? = nil, change: ChangeRecord = .system("direct"), now: Date
    ) throws -> Appointment {
        try write { db in
            if let key = idempotencyKey, let earlier = try Self.idempotentResult(key, db: db) { return earlier }
            let old = try Self.appointment(appointmentID, forPatient: patientID, db: db)
            guard old.status == .booked else { throw SchedulingError.notBooked }
            guard old.start > now else { throw SchedulingError.inPast }
            // Release the old time first so the new one may overlap it (moving by 15 minutes);
            // any failure below rolls this back too.
            try db.run("UPDATE appointments SET status = 'cancelled', cancel_reason = 'rescheduled', conversation_id = ?, updated_at = ? WHERE id = ?",
                       [v(conversationID), v(now.unixSeconds), v(old.id)])
            let engine = AvailabilityEngine(schedule: try schedule(db))
            let request = BookingRequest(patientID: old.patientID, serviceID: old.serviceID, providerID: providerID ?? old.providerID,
                                         locationID: locationID, start: newStart, notes: old.notes, conversationID: conversationID)
            let busy = try busyIntervals(around: newStart, engine: engine, excludingHoldsOf: conversationID, db: db, now: now)
            let slot = try engine.check(request, busy: busy, now: now).get()
            let moved = try insertAppointment(slot: slot, engine: engine, patientID: old.patientID, notes: old.notes,
                                              rescheduledFrom: old.id, conversationID: conversationID, change: change, db: db, now: now)
            if let key = idempotencyKey {
                try db.run("INSERT INTO idempotency_keys (key, appointment_id, created_at) VALUES (?, ?, ?)",
                           [v(key), v(moved.id), v(now.unixSeconds)])
            }
            return moved
        }
    }

    // MARK: - Shared by the writes

    /// Inserts a booked appointment with its audit row and its event: `booking.rescheduled`
    /// when it replaces `rescheduledFrom`, else `booking.created`. The one place an appointment
    /// row is made, so none is made without them.
    private func insertAppointment(
        slot: Slot, engine: AvailabilityEngine, patientID: Int64, notes: String?, rescheduledFrom: Int64?, conversationID: String?,
        change: ChangeRecord, db: SQLiteConnection, now: Date
    ) throws -> Appointment {
        let service = try engine.resolveService(slot.serviceID)
        // A person cannot be in two chairs at once, whichever providers they are booked with.
        // (A reschedule has already released the appointment it moves, so moving by a few
        // minutes is not a conflict with itself.)
        if let existing: Int64 = try db.first("""
            SELECT id FROM appointments
            WHERE patient_id = ? AND status = 'booked' AND start_utc < ? AND end_utc > ? LIMIT 1
            """, [v(patientID), v(slot.end.unixSeconds), v(slot.start.unixSeconds)], { $0.int(0) }) {
            throw SchedulingError.patientBusy(existingID: existing)
        }
        do {
            try db.run("""
                INSERT INTO appointments (patient_id, provider_id, service_id, location_id, start_utc, end_utc, block_start_utc,
                                          block_end_utc, status, notes, rescheduled_from, conversation_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?, ?, ?)
                """, [v(patientID), v(slot.providerID), v(slot.serviceID), v(slot.locationID), v(slot.start.unixSeconds),
                      v(slot.end.unixSeconds), v(slot.start.unixSeconds - Int64(service.bufferBefore) * 60),
                      v(slot.end.unixSeconds + Int64(service.bufferAfter) * 60), v(notes), v(rescheduledFrom), v(conversationID),
                      v(now.unixSeconds), v(now.unixSeconds)])
        } catch let error as SQLiteError where error.isConstraint {
            // The trigger caught an overlap the check above should have: never book it.
            logger.error("overlap trigger fired", metadata: ["provider": "\(slot.providerID)", "error": "\(error)"])
            throw SchedulingError.slotUnavailable(alternatives: [])
        }
        let appointment = Appointment(
            id: db.lastInsertRowID, patientID: patientID, providerID: slot.providerID, serviceID: slot.serviceID,
            locationID: slot.locationID, start: slot.start, end: slot.end, status: .booked, notes: notes,
            rescheduledFrom: rescheduledFrom, conversationID: conversationID)
        try recordChange(rescheduledFrom == nil ? .bookingCreated : .bookingRescheduled, appointment, change: change,
                         detail: nil, db: db, now: now, timeZone: engine.clock.timeZone)
        return appointment
    }

    /// Writes a change's audit row and its outbox event, inside the caller's transaction.
    func recordChange(
        _ kind: OutboxEvent.Kind, _ appointment: Appointment, change: ChangeRecord, detail: String?, db: SQLiteConnection,
        now: Date, timeZone: TimeZone? = nil
    ) throws {
        let zone = try timeZone ?? schedule(db).clock.timeZone
        let event = OutboxEvent.appointment(kind, appointment, previousAppointmentID: appointment.rescheduledFrom, change: change,
                                            timeZone: zone)
        try db.run("""
            INSERT INTO change_audit (action, appointment_id, patient_id, actor_kind, actor_id, conversation_id, channel, detail, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [v(kind.rawValue), v(appointment.id), v(appointment.patientID), v(change.actorKind.rawValue), v(change.actorID),
                  v(change.conversationID), v(change.channel), v(detail), v(now.unixSeconds)])
        try db.run("INSERT INTO outbox (type, appointment_id, data, created_at) VALUES (?, ?, ?, ?)",
                   [v(kind.rawValue), v(appointment.id), v(event.data), v(now.unixSeconds)])
        try scheduleTexts(for: kind, appointment, eventRow: db.lastInsertRowID, db: db, now: now)
    }

    /// Busy intervals (booked appointments and other conversations' live holds, buffers
    /// included) of every provider, for a week from the local day of `start` — wide enough for
    /// the check and for the alternatives offered when it fails.
    private func busyIntervals(
        around start: Date, engine: AvailabilityEngine, excludingHoldsOf conversationID: String?, db: SQLiteConnection, now: Date
    ) throws -> [String: [BusyInterval]] {
        let day = engine.clock.local(start).date
        let bounds = engine.utcBounds(from: day, to: day.adding(days: 7))
        return try Self.loadBusy(providers: nil, from: bounds.start, to: bounds.end, excludingHoldsOf: conversationID, db: db, now: now)
    }

    /// The appointment an exactly-once key made, while it still stands. A key whose appointment
    /// has since been cancelled or moved is spent and forgotten here, so the same request made
    /// again (book → cancel → book) books anew instead of answering with a cancelled visit.
    static func idempotentResult(_ key: String, db: SQLiteConnection) throws -> Appointment? {
        guard let earlier = try db.first(
            "SELECT \(appointmentColumns) FROM appointments WHERE id = (SELECT appointment_id FROM idempotency_keys WHERE key = ?)",
            [v(key)], appointmentRow)
        else { return nil }
        guard earlier.status == .booked else {
            try db.run("DELETE FROM idempotency_keys WHERE key = ?", [v(key)])
            return nil
        }
        return earlier
    }

    /// One appointment of `patientID` (nil: of anyone). Another patient's is `.notFound`.
    /// One appointment of the patient (`patientID` nil: of anyone); `.notFound` otherwise.
    public func appointment(id: Int64, forPatient patientID: Int64?) throws -> Appointment {
        try read { db in try Self.appointment(id, forPatient: patientID, db: db) }
    }

    static func appointment(_ id: Int64, forPatient patientID: Int64?, db: SQLiteConnection) throws -> Appointment {
        guard let found = try db.first("SELECT \(appointmentColumns) FROM appointments WHERE id = ?1 AND (?2 IS NULL OR patient_id = ?2)",
                                       [v(id), v(patientID)], appointmentRow) else {
            throw SchedulingError.notFound("appointment")
        }
        return found
    }
}
