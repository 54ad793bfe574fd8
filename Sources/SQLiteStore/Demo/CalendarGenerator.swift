import Foundation
import Scheduling

/// Builds large synthetic books for benchmarks: N providers at one location, and a given
/// number of appointments spread over the coming days. Deterministic for a given seed.
public enum CalendarGenerator {
    /// Summary of a generated book, for a benchmark to pick query parameters from.
    public struct Summary: Sendable {
        public var providerIDs: [String]
        public var serviceIDs: [String]
        public var appointments: Int
        public var patients: Int
    }

    /// A business with `providers` providers ("p01"…) working Mon–Fri 08:00–18:00 (lunch
    /// 12:00–13:00) at one location, a 30-minute and a 60-minute service, in `timeZone`.
    public static func profile(providers: Int, horizonDays: Int = 120, timeZone: String = "America/New_York") -> BusinessProfile {
        let ids = (1...max(1, providers)).map { String(format: "p%02d", $0) }
        let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
        return BusinessProfile(
            business: BusinessInfo(name: "Generated Clinic", timeZone: timeZone),
            bookingRules: BookingRules(slotStepMinutes: 15, minimumNoticeMinutes: 60, horizonDays: horizonDays, holdMinutes: 5),
            locations: [LocationProfile(id: "main", name: "Main", hours: (weekdays + [.saturday]).map { WeeklyHours(day: $0, open: "07:00", close: "19:00") })],
            providers: ids.map { id in
                ProviderProfile(id: id, name: "Provider \(id)", locations: ["main"], hours: weekdays.map {
                    WeeklyHours(day: $0, open: "08:00", close: "18:00", breaks: [TimeRange(start: "12:00", end: "13:00")])
                })
            },
            services: [
                ServiceProfile(id: "visit30", name: "Short visit", durationMinutes: 30, providers: ids),
                ServiceProfile(id: "visit60", name: "Long visit", durationMinutes: 60, bufferAfterMinutes: 10, providers: ids),
            ])
    }

    /// Imports `profile(providers:)` into `book` and inserts `appointments` non-overlapping
    /// 30-minute appointments over the `days` local days after `now`, for `patients` patients, in
    /// one transaction. (Direct inserts, not `book(_:)`, so 20,000 rows take about a second; the
    /// overlap trigger still guards every row.) Returns what it made.
    @discardableResult
    public static func fill(
        _ book: AppointmentBook, providers: Int = 20, days: Int = 90, appointments: Int = 20_000, patients: Int = 1_000,
        now: Date, seed: UInt64 = 42
    ) throws -> Summary {
        let profile = profile(providers: providers, horizonDays: days + 30)
        try ProfileValidator.validate(profile)
        let clock = ZonedClock(identifier: profile.business.timeZone)!
        let today = clock.local(now).date
        var random = SplitMix64(seed: seed)
        let providerIDs = profile.providers.map(\.id)
        // Working 30-minute slots of a weekday: 08:00–12:00 and 13:00–18:00.
        let dayStarts = Array(stride(from: 480, to: 720, by: 30)) + Array(stride(from: 780, to: 1080, by: 30))
        let workDays = (1...max(1, days)).map { today.adding(days: $0) }.filter { ![.saturday, .sunday].contains($0.weekday) }
        let capacity = workDays.count * providerIDs.count * dayStarts.count
        guard appointments <= capacity else {
            throw SchedulingError.invalid(field: "appointments", message: "at most \(capacity) fit in \(days) days")
        }
        let inserted = try book.write { db -> Int in
            try AppointmentBook.writeProfile(profile, db: db, now: now)
            var patientIDs: [Int64] = []
            for i in 0..<max(1, patients) {
                try db.run("""
                    INSERT INTO patients (first_name, last_name, name_key, date_of_birth, phone, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, [v("Pat\(i)"), v("Gen"), v(Patient.nameKey(first: "Pat\(i)", last: "Gen")), v("1980-01-01"),
                          v(String(format: "+1212%07d", i)), v(now.unixSeconds)])
                patientIDs.append(db.lastInsertRowID)
            }
            var remaining = appointments, count = 0
            var cells = workDays.count * providerIDs.count
            for date in workDays {
                for provider in providerIDs {
                    let quota = min(dayStarts.count, (remaining + cells - 1) / max(1, cells))
                    cells -= 1
                    var starts = dayStarts
                    for i in 0..<starts.count { starts.swapAt(i, i + Int(random.next() % UInt64(starts.count - i))) }
                    for minute in starts.prefix(quota) {
                        guard let start = clock.utcSeconds(date, minutes: minute) else { continue }
                        let patient = patientIDs[Int(random.next() % UInt64(patientIDs.count))]
                        try db.run("""
                            INSERT INTO appointments (patient_id, provider_id, service_id, location_id, start_utc, end_utc,
                                                      block_start_utc, block_end_utc, status, created_at, updated_at)
                            VALUES (?, ?, 'visit30', 'main', ?, ?, ?, ?, 'booked', ?, ?)
                            """, [v(patient), v(provider), v(start), v(start + 1800), v(start), v(start + 1800), v(now.unixSeconds), v(now.unixSeconds)])
                        count += 1
                        remaining -= 1
                    }
                }
            }
            return count
        }
        return Summary(providerIDs: providerIDs, serviceIDs: profile.services.map(\.id), appointments: inserted, patients: max(1, patients))
    }
}

/// A tiny deterministic PRNG so generated books are reproducible across runs and platforms.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
