import Scheduling
import Testing

@Suite struct LocalDateTests {
    @Test func parsesPrintsAndCountsDays() throws {
        let date = try #require(LocalDate("2026-03-08"))
        #expect(date.description == "2026-03-08")
        #expect(date.weekday == .sunday)
        #expect(date.adding(days: 1).weekday == .monday)
        #expect(LocalDate("2024-02-28")!.adding(days: 1).description == "2024-02-29")
        #expect(LocalDate("2026-12-31")!.adding(days: 1).description == "2027-01-01")
        #expect(LocalDate(daysSinceEpoch: 0).description == "1970-01-01")
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "26-01-01", "2026/01/01", "tomorrow"])
    func rejectsImpossibleOrMalformedDates(text: String) {
        #expect(LocalDate(text) == nil)
    }
}

/// The per-day converter availability uses must agree with the exact per-time resolution on
/// every day, DST changes (at 02:00, at midnight, by 30 minutes) included.
@Suite struct ZonedClockDayTests {
    @Test(arguments: ["America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata"])
    func theDayConverterMatchesTheExactConversionEveryQuarterHourOfAYear(zone: String) throws {
        let clock = try #require(ZonedClock(identifier: zone))
        var date = try #require(LocalDate("2026-01-01"))
        var mismatches: [String] = []
        while date < LocalDate("2027-01-01")! {
            let day = clock.day(date)
            for minutes in stride(from: 0, through: 1440, by: 15) where day.utcSeconds(minutes: minutes) != clock.utcSeconds(date, minutes: minutes) {
                mismatches.append("\(date) +\(minutes)m")
            }
            date = date.adding(days: 1)
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
