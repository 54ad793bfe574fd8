import Agent
import Foundation
import Testing

@Suite("Local time is what the model reads")
struct LocalTimeTests {
    let newYork = LocalTime(timeZone: TimeZone(identifier: "America/New_York")!)

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func anEveningCallIsStillTodayLocallyEvenWhenUTCIsTomorrow() {
        // 02:30 UTC on Sunday is 9:30 PM on Saturday in New York: the day a model told UTC would get wrong.
        let now = Self.utc("2026-11-22T02:30:00Z")
        #expect(newYork.long(now) == "Saturday, November 21, 2026, 9:30 PM (America/New_York, UTC-05:00)")
        #expect(newYork.isoDate(now) == "2026-11-21")
    }

    @Test func theOffsetFollowsDaylightSavingTime() {
        #expect(newYork.long(Self.utc("2026-07-01T13:00:00Z")) == "Wednesday, July 1, 2026, 9:00 AM (America/New_York, UTC-04:00)")
        #expect(newYork.long(Self.utc("2026-12-01T14:00:00Z")) == "Tuesday, December 1, 2026, 9:00 AM (America/New_York, UTC-05:00)")
        // The days around the November 1 change: 9:00 local both sides, different UTC instants.
        #expect(newYork.slot(Self.utc("2026-10-31T13:00:00Z")) == "Saturday, October 31 at 9:00 AM")
        #expect(newYork.slot(Self.utc("2026-11-02T14:00:00Z")) == "Monday, November 2 at 9:00 AM")
        #expect(newYork.isoDateTime(Self.utc("2026-11-02T14:00:00Z")) == "2026-11-02T09:00:00-05:00")
    }

    @Test func noonAndMidnightReadNaturally() {
        #expect(newYork.clock(Self.utc("2026-11-21T17:00:00Z")) == "12:00 PM")
        #expect(newYork.clock(Self.utc("2026-11-21T05:05:00Z")) == "12:05 AM")
    }
}
