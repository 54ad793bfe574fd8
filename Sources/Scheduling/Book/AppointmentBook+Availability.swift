import Foundation

extension AppointmentBook {
    // MARK: - Reads

    /// Free slots for `query` (see `AvailabilityEngine.findSlots`). Reads only the busy
    /// intervals of the providers that can do the service, a few days at a time as the search
    /// advances (covering index `appointments_busy`), so the cost follows the days searched,
    /// not the size of the calendar.
    public func findAvailableSlots(_ query: AvailabilityQuery, now: Date) throws -> AvailabilityResult {
        try read { db in
            let engine = AvailabilityEngine(schedule: try schedule(db))
            let service = try engine.resolveService(query.serviceID)
            let providers = query.providerID.map { [$0] } ?? service.providers
            return try engine.findSlots(query, now: now) { from, to in
                let bounds = engine.utcBounds(from: from, to: to)
                return try Self.loadBusy(providers: providers, from: bounds.start, to: bounds.end,
                                         excludingHoldsOf: query.conversationID, db: db, now: now)
            }
        }
    }

    /// The longest a busy block is assumed to last. Blocks are found through the index on their
    /// start, so one that started more than this before a window would be missed.
    static let longestBlockSeconds: Int64 = 86_400

    /// Booked appointments and live holds (except `conversationID`'s own) as busy intervals per
    /// provider: the blocks that overlap [from, to) in UTC seconds.
    static func loadBusy(
        providers: [String]?, from: Int64, to: Int64, excludingHoldsOf conversationID: String?, db: SQLiteConnection, now: Date
    ) throws -> [String: [BusyInterval]] {
        // One provider per query, so rows carry only the two numbers (no string per row).
        let appointmentsSQL = """
            SELECT block_start_utc, block_end_utc FROM appointments
            WHERE provider_id = ? AND status = 'booked' AND start_utc >= ? AND start_utc < ?
              AND block_end_utc > ? AND block_start_utc < ?
            """
        let holdsSQL = """
            SELECT block_start_utc, block_end_utc FROM holds
            WHERE provider_id = ? AND status = 'active' AND expires_at > ? AND start_utc >= ? AND start_utc < ?
              AND block_end_utc > ? AND block_start_utc < ? AND conversation_id IS NOT ?
            """
        let first = v(from - longestBlockSeconds), last = v(to + longestBlockSeconds)
        let ids = try providers ?? db.all("SELECT id FROM providers") { $0.text(0) }
        var busy: [String: [BusyInterval]] = [:]
        busy.reserveCapacity(ids.count)
        for provider in ids {
            var intervals: [BusyInterval] = []
            let collect: (SQLiteRow) -> Void = { row in intervals.append(BusyInterval(start: row.int(0), end: row.int(1))) }
            try db.query(appointmentsSQL, [v(provider), first, last, v(from), v(to)], row: collect)
            try db.query(holdsSQL, [v(provider), v(now.unixSeconds), first, last, v(from), v(to), v(conversationID)], row: collect)
            if !intervals.isEmpty { busy[provider] = intervals }
        }
        return busy
    }
}
