import Foundation
import Reception
import Scheduling

extension AppointmentBook {
    // MARK: - Writes

    /// Seeds the demo practice (`DemoBusiness`) with its patients, a dozen appointments over
    /// the coming weeks, relative to `now`, and its documents (`DemoDocuments`) — only when the
    /// database is empty. A database that has any data is never reseeded. Returns whether it
    /// seeded. Safe when several processes start at once: the emptiness check and the seed are
    /// one `BEGIN IMMEDIATE` transaction.
    @discardableResult
    public func seedDemoIfEmpty(now: Date = Date()) throws -> Bool {
        try write { db in
            let empty = try db.first("""
                SELECT NOT EXISTS (SELECT 1 FROM business) AND NOT EXISTS (SELECT 1 FROM patients)
                   AND NOT EXISTS (SELECT 1 FROM appointments)
                """) { $0.bool(0) } ?? true
            guard empty else { return false }
            let profile = DemoBusiness.profile
            try Self.writeProfile(profile, db: db, now: now)
            let engine = AvailabilityEngine(schedule: try schedule(db))
            let today = engine.clock.local(now).date
            let patientIDs = try db.all("SELECT id FROM patients ORDER BY id") { $0.int(0) as Int64 }
            for (index, (patientID, plan)) in zip(patientIDs, DemoBusiness.bookings).enumerated() {
                let day = today.adding(days: plan.daysAhead)
                let query = AvailabilityQuery(serviceID: plan.service, from: day, to: day.adding(days: 7), timeOfDay: plan.timeOfDay, limit: 6)
                let bounds = engine.utcBounds(from: day, to: day.adding(days: 7))
                let busy = try Self.loadBusy(providers: nil, from: bounds.start, to: bounds.end, excludingHoldsOf: nil, db: db, now: now)
                let slots = try engine.findSlots(query, busy: busy, now: now).slots
                guard !slots.isEmpty else { continue }
                let slot = slots[index % slots.count]
                _ = try book(BookingRequest(patientID: patientID, serviceID: slot.serviceID, providerID: slot.providerID,
                                            locationID: slot.locationID, start: slot.start, notes: "Demo booking"),
                           change: .system("seed"), db: db, now: now)
            }
            for document in DemoDocuments.all {
                let passages = KnowledgeChunker.passages(in: document.body, title: document.title)
                _ = try Self.saveKnowledgeDocument(
                    KnowledgeDraft(sourceName: document.sourceName, title: document.title, body: document.body, passages: passages),
                    db: db, now: now)
            }
            return true
        }
    }
}
