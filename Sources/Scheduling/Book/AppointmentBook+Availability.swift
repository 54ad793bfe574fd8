import Foundation

extension AppointmentBook {
    // MARK: - Reads

    /// Free slots for `query` (see `AvailabilityEngine.findSlots`). Loads only the busy
    /// intervals of the providers that can do the service, over the dates the query touches
    /// (index on `(provider_id, start_utc)`); the rest of the horizon is read only when the range
    /// is empty and `nextAvailableDate` has to be found.
    public func findAvailableSlots(_ query: AvailabilityQuery, now: Date) throws -> AvailabilityResult {
        try read { db in
            let engine = AvailabilityEngine(schedule: try schedule(db))
            let service = try engine.resolveService(query.serviceID)
            let providers = query.providerID.map { [$0] } ?? service.providers
            let range = engine.searchRange(query, now: now)
            let bounds = engine.utcBounds(from: range.from, to: max(range.from, range.to))
            let busy = try Self.loadBusy(providers: providers, from: bounds.start, to: bounds.end,
                                         excludingHoldsOf: query.conversationID, db: db, now: now)
            let result = try engine.findSlots(query, busy: busy, now: now)
            guard result.days.isEmpty, result.nextAvailableDate != nil else { return result }
            // The first pass searched beyond the range without its bookings; redo it with them.
            let wide = engine.utcBounds(from: range.from, to: range.horizonEnd)
            let allBusy = try Self.loadBusy(providers: providers, from: wide.start, to: wide.end,
                                            excludingHoldsOf: query.conversationID, db: db, now: now)
            return try engine.findSlots(query, busy: allBusy, now: now)
        }
    }

    /// Booked appointments and live holds (except `conversationID`'s own) as busy intervals per
    /// provider, for appointments starting within [from − 1 day, to + 1 day) UTC seconds.
    static func loadBusy(
        providers: [String]?, from: Int64, to: Int64, excludingHoldsOf conversationID: String?, db: SQLiteConnection, now: Date
    ) throws -> [String: [BusyInterval]] {
        var busy: [String: [BusyInterval]] = [:]
        let collect: (SQLiteRow) -> Void = { row in
            busy[row.text(0), default: []].append(BusyInterval(start: row.int(1), end: row.int(2)))
        }
        let appointmentsSQL = """
            SELECT provider_id, block_start_utc, block_end_utc FROM appointments
            WHERE provider_id = ? AND status = 'booked' AND start_utc >= ? AND start_utc < ?
            """
        let holdsSQL = """
            SELECT provider_id, block_start_utc, block_end_utc FROM holds
            WHERE provider_id = ? AND status = 'active' AND expires_at > ? AND start_utc >= ? AND start_utc < ?
              AND conversation_id IS NOT ?
            """
        let ids = try providers ?? db.all("SELECT id FROM providers") { $0.text(0) }
        for provider in ids {
            try db.query(appointmentsSQL, [v(provider), v(from - 86_400), v(to + 86_400)], row: collect)
            try db.query(holdsSQL, [v(provider), v(now.unixSeconds), v(from - 86_400), v(to + 86_400), v(conversationID)], row: collect)
        }
        return busy
    }
}
