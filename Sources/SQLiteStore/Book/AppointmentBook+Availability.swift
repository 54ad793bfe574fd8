import Foundation
import Synchronization
import Scheduling

extension AppointmentBook {
    // MARK: - Reads

    /// Free slots for `query` (see `AvailabilityEngine.findSlots`).
    ///
    /// Booked intervals come from memory (`cachedBusy`) for every provider whose revision in
    /// `busy_revisions` is unchanged; a provider that changed is reread, from today to the end of
    /// the horizon, in the same snapshot as its revision. Other conversations' holds are few and
    /// expire with time, so they are read for each stretch of days the search reaches.
    public func findAvailableSlots(_ query: AvailabilityQuery, now: Date) throws -> AvailabilityResult {
        try read { db in
            let engine = AvailabilityEngine(schedule: try schedule(db))
            let service = try engine.resolveService(query.serviceID)
            let providers = query.providerID.map { [$0] } ?? service.providers
            let booked = try bookedTimelines(providers: providers, engine: engine, db: db, now: now)
            return try engine.findSlots(query, now: now) { from, to in
                let bounds = engine.utcBounds(from: from, to: to)
                var timelines = booked
                for (provider, holds) in try Self.loadHolds(providers: providers, from: bounds.start, to: bounds.end,
                                                            excludingHoldsOf: query.conversationID, db: db, now: now) {
                    timelines[provider] = timelines[provider].map { BusyTimeline($0, adding: holds) } ?? BusyTimeline(holds)
                }
                return AvailabilityEngine.BusyWindow(through: to, timelines: timelines)
            }
        }
    }

    /// One provider's booked intervals over [from, to) UTC seconds, as of `revision`.
    struct CachedBusy: Sendable {
        var revision: Int64?
        var from: Int64
        var to: Int64
        var timeline: BusyTimeline
    }

    /// Booked intervals of `providers` from today through the horizon: cached where the
    /// provider's revision and the span still match, read (and cached) where not.
    private func bookedTimelines(
        providers: [String], engine: AvailabilityEngine, db: SQLiteConnection, now: Date
    ) throws -> [String: BusyTimeline] {
        var revisions: [String: Int64] = [:]
        try db.query("SELECT provider_id, revision FROM busy_revisions") { revisions[$0.text(0)] = $0.int(1) }
        let today = engine.clock.local(now).date
        let span = engine.utcBounds(from: today, to: today.adding(days: engine.schedule.rules.horizonDays))
        var timelines: [String: BusyTimeline] = [:]
        var stale: [String] = []
        cachedBusy.withLock { cache in
            for provider in providers {
                if let cached = cache[provider], cached.revision == revisions[provider], cached.from <= span.start, span.end <= cached.to {
                    timelines[provider] = cached.timeline
                } else {
                    stale.append(provider)
                }
            }
        }
        guard !stale.isEmpty else { return timelines }
        let fresh = try Self.loadBooked(providers: stale, from: span.start, to: span.end, db: db)
        cachedBusy.withLock { cache in
            for provider in stale {
                let timeline = BusyTimeline(fresh[provider] ?? [])
                timelines[provider] = timeline
                cache[provider] = CachedBusy(revision: revisions[provider], from: span.start, to: span.end, timeline: timeline)
            }
        }
        return timelines
    }

    /// The longest a busy block is assumed to last. Blocks are found through the index on their
    /// start, so one that started more than this before a window would be missed.
    static let longestBlockSeconds: Int64 = 86_400

    /// Booked appointments and live holds (except `conversationID`'s own) as busy intervals per
    /// provider: the blocks that overlap [from, to) in UTC seconds.
    static func loadBusy(
        providers: [String]?, from: Int64, to: Int64, excludingHoldsOf conversationID: String?, db: SQLiteConnection, now: Date
    ) throws -> [String: [BusyInterval]] {
        let ids = try providers ?? db.all("SELECT id FROM providers") { $0.text(0) }
        var busy = try loadBooked(providers: ids, from: from, to: to, db: db)
        busy.merge(try loadHolds(providers: ids, from: from, to: to, excludingHoldsOf: conversationID, db: db, now: now), uniquingKeysWith: +)
        return busy
    }

    /// Booked appointments' blocks that overlap [from, to), per provider.
    static func loadBooked(providers: [String], from: Int64, to: Int64, db: SQLiteConnection) throws -> [String: [BusyInterval]] {
        try intervals("""
            SELECT block_start_utc, block_end_utc FROM appointments
            WHERE provider_id = ? AND status = 'booked' AND start_utc >= ? AND start_utc < ?
              AND block_end_utc > ? AND block_start_utc < ?
            """, providers: providers, db: db) { provider in
            [v(provider), v(from - longestBlockSeconds), v(to + longestBlockSeconds), v(from), v(to)]
        }
    }

    /// Other conversations' live holds that overlap [from, to), per provider.
    static func loadHolds(
        providers: [String], from: Int64, to: Int64, excludingHoldsOf conversationID: String?, db: SQLiteConnection, now: Date
    ) throws -> [String: [BusyInterval]] {
        try intervals("""
            SELECT block_start_utc, block_end_utc FROM holds
            WHERE provider_id = ? AND status = 'active' AND expires_at > ? AND start_utc >= ? AND start_utc < ?
              AND block_end_utc > ? AND block_start_utc < ? AND conversation_id IS NOT ?
            """, providers: providers, db: db) { provider in
            [v(provider), v(now.unixSeconds), v(from - longestBlockSeconds), v(to + longestBlockSeconds), v(from), v(to), v(conversationID)]
        }
    }

    /// Runs `sql` once per provider and collects each row's two numbers (block start, block end)
    /// as a busy interval. One provider per query, so a row carries no string.
    private static func intervals(
        _ sql: String, providers: [String], db: SQLiteConnection, values: (String) -> [SQLiteValue]
    ) throws -> [String: [BusyInterval]] {
        var busy: [String: [BusyInterval]] = [:]
        for provider in providers {
            var found: [BusyInterval] = []
            try db.query(sql, values(provider)) { row in found.append(BusyInterval(start: row.int(0), end: row.int(1))) }
            if !found.isEmpty { busy[provider] = found }
        }
        return busy
    }
}
