import Foundation
import Scheduling

extension AppointmentBook {
    // MARK: - Writes

    /// Replaces the business configuration with `profile` (and adds its patients), after
    /// validating all of it. One transaction: on any error the database is exactly as before.
    /// Throws `SchedulingError.invalid(field:message:)` naming the offending place.
    public func importProfile(_ profile: BusinessProfile, now: Date = Date()) throws {
        try ProfileValidator.validate(profile)
        try write { db in try Self.writeProfile(profile, db: db, now: now) }
    }

    static func writeProfile(_ profile: BusinessProfile, db: SQLiteConnection, now: Date) throws {
        let revision: Int64 = try db.first("SELECT config_revision FROM business WHERE id = 1", [], { $0.int(0) }) ?? 0
        try keepReferencedEntries(profile, db: db, now: now)
        // Rewriting the providers would null every patient's preferred provider (ON DELETE SET
        // NULL): remembered here, given back below to those whose provider is still there.
        let preferred = try db.all("SELECT id, preferred_provider_id FROM patients WHERE preferred_provider_id IS NOT NULL") {
            (id: $0.int(0) as Int64, provider: $0.text(1) as String)
        }
        for table in ["weekly_hours", "date_overrides", "service_providers", "provider_locations", "services", "providers",
                      "locations", "faq_entries", "booking_rules", "business"] {
            try db.run("DELETE FROM \(table)")
        }
        let info = profile.business
        try db.run("INSERT INTO business (id, name, time_zone, phone, address, config_revision, messaging) VALUES (1, ?, ?, ?, ?, ?, ?)",
                   [v(info.name), v(info.timeZone), v(info.phone), v(info.address), v(revision + 1),
                    v(try profile.messaging.map { try json($0) })])
        for (i, entry) in info.faq.enumerated() {
            try db.run("INSERT INTO faq_entries (position, question, answer) VALUES (?, ?, ?)", [v(i), v(entry.question), v(entry.answer)])
        }
        let rules = profile.bookingRules
        try db.run("""
            INSERT INTO booking_rules (id, slot_step_minutes, minimum_notice_minutes, horizon_days, hold_minutes)
            VALUES (1, ?, ?, ?, ?)
            """, [v(rules.slotStepMinutes), v(rules.minimumNoticeMinutes), v(rules.horizonDays), v(rules.holdMinutes)])
        for (i, location) in profile.locations.enumerated() {
            try db.run("INSERT INTO locations (id, position, name, address, phone) VALUES (?, ?, ?, ?, ?)",
                       [v(location.id), v(i), v(location.name), v(location.address), v(location.phone)])
            for (k, hours) in location.hours.enumerated() {
                try insertHours(hours, location: location.id, provider: nil, position: k, db: db)
            }
        }
        for (i, provider) in profile.providers.enumerated() {
            try db.run("INSERT INTO providers (id, position, name, title, specialties) VALUES (?, ?, ?, ?, ?)",
                       [v(provider.id), v(i), v(provider.name), v(provider.title), v(try json(provider.specialties))])
            for (k, location) in provider.locations.enumerated() {
                try db.run("INSERT INTO provider_locations (provider_id, location_id, position) VALUES (?, ?, ?)",
                           [v(provider.id), v(location), v(k)])
            }
            for (k, hours) in provider.hours.enumerated() {
                try insertHours(hours, location: hours.location ?? provider.locations[0], provider: provider.id, position: k, db: db)
            }
        }
        for (i, service) in profile.services.enumerated() {
            try db.run("""
                INSERT INTO services (id, position, name, duration_minutes, buffer_before_minutes, buffer_after_minutes, description)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [v(service.id), v(i), v(service.name), v(service.durationMinutes), v(service.bufferBeforeMinutes),
                      v(service.bufferAfterMinutes), v(service.description)])
            for (k, provider) in service.providers.enumerated() {
                try db.run("INSERT INTO service_providers (service_id, provider_id, position) VALUES (?, ?, ?)",
                           [v(service.id), v(provider), v(k)])
            }
        }
        let providers = Set(profile.providers.map(\.id))
        for entry in preferred where providers.contains(entry.provider) {
            try db.run("UPDATE patients SET preferred_provider_id = ? WHERE id = ?", [v(entry.provider), v(entry.id)])
        }
        for override in profile.overrides {
            try db.run("INSERT INTO date_overrides (date, closed, open_minute, close_minute, provider_id, reason) VALUES (?, ?, ?, ?, ?, ?)",
                       [v(override.date), v(override.closed), v(override.closed ? nil : override.open.flatMap(MinuteOfDay.minutes)),
                        v(override.closed ? nil : override.close.flatMap(MinuteOfDay.minutes)), v(override.provider), v(override.reason)])
        }
        for seed in profile.patients ?? [] {
            let patient = NewPatient(firstName: seed.firstName, lastName: seed.lastName, dateOfBirth: seed.dateOfBirth,
                                     phone: seed.phone, email: seed.email, preferredProviderID: seed.preferredProvider)
            do {
                _ = try insertPatient(patient, db: db, now: now)
            } catch SchedulingError.duplicatePatient {
                // Re-importing a file must not fail on patients that are already on the books.
            }
        }
    }

    /// A provider, service or location that appointments or live holds still name cannot leave
    /// the profile (the books would point at nothing): refused, naming it, before anything
    /// changes. Finished holds of a removed entry are forgotten with it.
    private static func keepReferencedEntries(_ profile: BusinessProfile, db: SQLiteConnection, now: Date) throws {
        let kept: [(field: String, column: String, ids: Set<String>)] = [
            ("providers", "provider_id", Set(profile.providers.map(\.id))), ("services", "service_id", Set(profile.services.map(\.id))),
            ("locations", "location_id", Set(profile.locations.map(\.id))),
        ]
        for (field, column, ids) in kept {
            let referenced = try db.all("""
                SELECT \(column), count(*) FROM appointments GROUP BY \(column)
                UNION ALL SELECT \(column), count(*) FROM holds WHERE status = 'active' AND expires_at > ? GROUP BY \(column)
                """, [v(now.unixSeconds)]) { (id: $0.text(0) as String, count: $0.int(1) as Int) }
            if let missing = referenced.first(where: { !ids.contains($0.id) }) {
                throw SchedulingError.invalid(
                    field: field,
                    message: "'\(missing.id)' is still on \(missing.count) appointment\(missing.count == 1 ? "" : "s") or live hold\(missing.count == 1 ? "" : "s"); keep it in the profile (past appointments keep their history)")
            }
            try db.run("""
                DELETE FROM holds WHERE NOT (status = 'active' AND expires_at > ?) AND \(column) NOT IN (SELECT value FROM json_each(?))
                """, [v(now.unixSeconds), v(String(decoding: try JSONEncoder().encode(Array(ids)), as: UTF8.self))])
        }
    }

    private static func insertHours(_ hours: WeeklyHours, location: String, provider: String?, position: Int, db: SQLiteConnection) throws {
        let breaks = try json(hours.breaks)
        try db.run("""
            INSERT INTO weekly_hours (location_id, provider_id, position, day, open_minute, close_minute, breaks, location_explicit)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [v(location), v(provider), v(position), v(hours.day.rawValue), v(MinuteOfDay.minutes(hours.open)),
                  v(MinuteOfDay.minutes(hours.close)), v(breaks), v(provider == nil || hours.location != nil)])
    }

    private static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    // MARK: - Reads

    /// The business profile as stored (patients are not part of it: `patients` is nil).
    /// Throws `.notFound("business profile")` on a database that has none yet.
    ///
    /// Served from the compiled-schedule cache, which is checked against `config_revision`:
    /// the prompt and every tool call read the profile, and it changes only on import, so
    /// rebuilding it from its tables each time would be work done on every turn for nothing.
    public func profile() throws -> BusinessProfile {
        try read { db in try schedule(db).profile }
    }

    public func providers() throws -> [ProviderProfile] { try profile().providers }
    public func services() throws -> [ServiceProfile] { try profile().services }
    public func locations() throws -> [LocationProfile] { try profile().locations }

    static func loadProfile(_ db: SQLiteConnection) throws -> BusinessProfile {
        let decoder = JSONDecoder()
        guard var info = try db.first("SELECT name, time_zone, phone, address FROM business WHERE id = 1", [], {
            BusinessInfo(name: $0.text(0), timeZone: $0.text(1), phone: $0.optionalText(2), address: $0.optionalText(3))
        }) else { throw SchedulingError.notFound("business profile") }
        info.faq = try db.all("SELECT question, answer FROM faq_entries ORDER BY position") { FAQEntry(question: $0.text(0), answer: $0.text(1)) }
        let rules = try db.first("SELECT slot_step_minutes, minimum_notice_minutes, horizon_days, hold_minutes FROM booking_rules") {
            BookingRules(slotStepMinutes: $0.int(0), minimumNoticeMinutes: $0.int(1), horizonDays: $0.int(2), holdMinutes: $0.int(3))
        } ?? BookingRules()
        struct HoursRow { var location: String; var provider: String?; var explicit: Bool; var hours: WeeklyHours }
        let hours = try db.all("""
            SELECT location_id, provider_id, day, open_minute, close_minute, breaks, location_explicit
            FROM weekly_hours ORDER BY position, id
            """) { row in
            HoursRow(location: row.text(0), provider: row.optionalText(1), explicit: row.bool(6), hours: WeeklyHours(
                day: Weekday(rawValue: row.text(2)) ?? .monday, open: MinuteOfDay.string(row.int(3)), close: MinuteOfDay.string(row.int(4)),
                breaks: (try? decoder.decode([TimeRange].self, from: Data(row.text(5).utf8))) ?? []))
        }
        let locations = try db.all("SELECT id, name, address, phone FROM locations ORDER BY position") { row in
            let id: String = row.text(0)
            return LocationProfile(id: id, name: row.text(1), address: row.optionalText(2), phone: row.optionalText(3),
                                   hours: hours.filter { $0.provider == nil && $0.location == id }.map(\.hours))
        }
        let providerLocations = try db.all("SELECT provider_id, location_id FROM provider_locations ORDER BY position") { ($0.text(0), $0.text(1)) }
        let providers = try db.all("SELECT id, name, title, specialties FROM providers ORDER BY position") { row in
            let id: String = row.text(0)
            let places = providerLocations.filter { $0.0 == id }.map(\.1)
            return ProviderProfile(
                id: id, name: row.text(1), title: row.optionalText(2),
                specialties: (try? decoder.decode([String].self, from: Data(row.text(3).utf8))) ?? [], locations: places,
                hours: hours.filter { $0.provider == id }.map { row in
                    var h = row.hours
                    h.location = row.explicit ? row.location : nil
                    return h
                })
        }
        let serviceProviders = try db.all("SELECT service_id, provider_id FROM service_providers ORDER BY position") { ($0.text(0), $0.text(1)) }
        let services = try db.all("""
            SELECT id, name, duration_minutes, buffer_before_minutes, buffer_after_minutes, description FROM services ORDER BY position
            """) { row in
            let id: String = row.text(0)
            return ServiceProfile(id: id, name: row.text(1), durationMinutes: row.int(2), bufferBeforeMinutes: row.int(3),
                                  bufferAfterMinutes: row.int(4), providers: serviceProviders.filter { $0.0 == id }.map(\.1),
                                  description: row.optionalText(5))
        }
        let overrides = try db.all("SELECT date, closed, open_minute, close_minute, provider_id, reason FROM date_overrides ORDER BY id") { row in
            DateOverride(date: row.text(0), closed: row.bool(1), open: row.optionalInt(2).map { MinuteOfDay.string(Int($0)) },
                         close: row.optionalInt(3).map { MinuteOfDay.string(Int($0)) }, provider: row.optionalText(4), reason: row.optionalText(5))
        }
        let messaging = try db.first("SELECT messaging FROM business WHERE id = 1") { $0.optionalText(0) }?
            .flatMap { try? decoder.decode(MessagingSettings.self, from: Data($0.utf8)) }
        return BusinessProfile(business: info, bookingRules: rules, locations: locations, providers: providers,
                               services: services, overrides: overrides, patients: nil, messaging: messaging)
    }
}
