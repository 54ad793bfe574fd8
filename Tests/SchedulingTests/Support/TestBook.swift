import Foundation
import SQLiteStore
import Scheduling

/// A throwaway real SQLite file, and a small clinic to book against.
///
/// "Now" is fixed at Monday 2026-03-02 07:00 in New York (12:00 UTC), a week before the
/// US switch to daylight time on 2026-03-08.
enum TestBook {
    static let now = Date(timeIntervalSince1970: 1_772_452_800) // 2026-03-02T12:00:00Z
    static let zone = TimeZone(identifier: "America/New_York")!
    static let clock = ZonedClock(timeZone: zone)

    static func temporaryPath(_ name: String = "book") -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fd-sched-\(UUID().uuidString)")
        return directory.appendingPathComponent("\(name).sqlite").path
    }

    /// A fresh book with `profile` imported.
    static func make(_ profile: BusinessProfile = clinic) throws -> AppointmentBook {
        let book = try AppointmentBook(path: temporaryPath())
        try book.importProfile(profile, now: now)
        return book
    }

    /// Alice works Mon–Fri 09:00–17:00 with lunch 12:00–13:00, Bob Mon–Fri 09:00–17:00, both at
    /// "main" (open Mon–Sat 08:00–18:00). Checkup: 30 min, anyone. Cleaning: 60 min + 15 min
    /// buffer after, Alice only. Closed 2026-03-20 ("Staff training"); Bob away 2026-03-11.
    static let clinic = BusinessProfile(
        business: BusinessInfo(name: "Test Clinic", timeZone: "America/New_York", phone: "+12125550100"),
        bookingRules: BookingRules(slotStepMinutes: 15, minimumNoticeMinutes: 120, horizonDays: 60, holdMinutes: 5),
        locations: [LocationProfile(id: "main", name: "Main", hours: weekdays("08:00", "18:00") + [WeeklyHours(day: .saturday, open: "08:00", close: "12:00")])],
        providers: [
            ProviderProfile(id: "alice", name: "Dr. Alice", locations: ["main"],
                            hours: weekdays("09:00", "17:00", breaks: [TimeRange(start: "12:00", end: "13:00")])),
            ProviderProfile(id: "bob", name: "Dr. Bob", locations: ["main"], hours: weekdays("09:00", "17:00")),
        ],
        services: [
            ServiceProfile(id: "checkup", name: "Checkup", durationMinutes: 30, providers: ["alice", "bob"]),
            ServiceProfile(id: "cleaning", name: "Cleaning", durationMinutes: 60, bufferAfterMinutes: 15, providers: ["alice"]),
        ],
        overrides: [
            DateOverride(date: "2026-03-20", closed: true, reason: "Staff training"),
            DateOverride(date: "2026-03-11", closed: true, provider: "bob", reason: "Dr. Bob is away"),
        ])

    static func weekdays(_ open: String, _ close: String, breaks: [TimeRange] = []) -> [WeeklyHours] {
        [Weekday.monday, .tuesday, .wednesday, .thursday, .friday].map { WeeklyHours(day: $0, open: open, close: close, breaks: breaks) }
    }

    /// The instant of a New York wall-clock time.
    static func local(_ date: String, _ time: String) -> Date {
        let minutes = Int(time.prefix(2))! * 60 + Int(time.suffix(2))!
        return clock.date(LocalDate(date)!, minutes: minutes)!
    }

    static func patient(_ book: AppointmentBook, _ n: Int = 0) throws -> Patient {
        try book.createPatient(NewPatient(firstName: "Pat\(n)", lastName: "Test", dateOfBirth: "1990-01-01",
                                          phone: String(format: "+1212555%04d", n)), now: now)
    }
}

extension AvailabilityResult {
    /// "2026-03-03 09:00" strings in New York time, for readable expectations.
    var localStarts: [String] {
        slots.map { slot in
            let local = TestBook.clock.local(slot.start)
            return "\(local.date) \(String(format: "%02d:%02d", local.minutes / 60, local.minutes % 60))"
        }
    }
}
