import Foundation
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

/// The one reader of the date-times a model, an API client or a console form writes.
@Suite struct ZonedClockParsingTests {
    let clock = ZonedClock(identifier: "America/New_York")!

    @Test func readsOffsetsZuluAndLocalWallTimes() throws {
        let utc = { (text: String) in try #require(self.clock.instant(parsing: text)).timeIntervalSince1970 }
        let nineEastern = try #require(clock.date(LocalDate("2026-12-01")!, minutes: 9 * 60)).timeIntervalSince1970
        #expect(try utc("2026-12-01T09:00") == nineEastern)
        #expect(try utc("2026-12-01 09:00:00") == nineEastern)
        #expect(try utc("2026-12-01T09:00:00-05:00") == nineEastern)
        #expect(try utc("2026-12-01T14:00:00Z") == nineEastern)
        #expect(try utc("2026-12-01T14:00:00.250Z") == nineEastern)
        #expect(try utc("2026-12-01T15:30:00+01:30") == nineEastern)
        #expect(try utc("2026-12-01T09:00:30") == nineEastern + 30)
    }

    @Test(arguments: ["2026-12-01", "2026-12-01T9:00", "2026-12-01T24:00", "2026-12-01T09:60", "2026-12-01T09:00:00.Z",
                      "2026-12-01T09:00+5", "2026-12-01T09:00:00+15:00", "2026-12-01T09:00 EST", "2026-03-08T02:30"])
    func refusesMalformedTimesAndTimesInASpringForwardGap(text: String) {
        #expect(clock.instant(parsing: text) == nil)
    }
}

@Suite struct MinuteOfDayTests {
    @Test func printsTwelveHourTimesAroundMidnightAndNoon() {
        #expect([0, 30, 540, 720, 765, 1395].map(MinuteOfDay.twelveHour) == ["12:00 AM", "12:30 AM", "9:00 AM", "12:00 PM", "12:45 PM", "11:15 PM"])
        #expect(MinuteOfDay.string(540) == "09:00" && MinuteOfDay.minutes("9:00") == 540)
    }
}
