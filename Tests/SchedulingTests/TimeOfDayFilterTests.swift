import Scheduling
import Testing

@Suite struct TimeOfDayFilterTests {
    @Test func namedPartsOfTheDay() {
        #expect(TimeOfDayFilter(phrase: "morning") == .morning)
        #expect(TimeOfDayFilter(phrase: "in the afternoon") == .afternoon)
        #expect(TimeOfDayFilter(phrase: "Evening") == .evening)
        #expect(TimeOfDayFilter(phrase: "any time") == .any)
    }

    @Test func afterAndBeforeAClockTime() {
        #expect(TimeOfDayFilter(phrase: "after 3pm") == TimeOfDayFilter(earliestStart: 15 * 60))
        #expect(TimeOfDayFilter(phrase: "after 3:30 p.m.") == TimeOfDayFilter(earliestStart: 15 * 60 + 30))
        #expect(TimeOfDayFilter(phrase: "before 11am") == TimeOfDayFilter(latestStart: 11 * 60))
        #expect(TimeOfDayFilter(phrase: "before noon") == TimeOfDayFilter(latestStart: 12 * 60))
        #expect(TimeOfDayFilter(phrase: "after 15:00") == TimeOfDayFilter(earliestStart: 15 * 60))
        #expect(TimeOfDayFilter(phrase: "between 1 and 3pm") == TimeOfDayFilter(earliestStart: 13 * 60, latestStart: 15 * 60))
    }

    @Test func aBareAfternoonHourMeansPm() {
        #expect(TimeOfDayFilter(phrase: "after 3") == TimeOfDayFilter(earliestStart: 15 * 60))
        #expect(TimeOfDayFilter(phrase: "before 10") == TimeOfDayFilter(latestStart: 10 * 60))
    }

    @Test(arguments: ["after", "sometime soon", "before 25pm", "after 3:75", "between 4 and 2pm"])
    func phrasesItCannotReadAreNil(phrase: String) {
        #expect(TimeOfDayFilter(phrase: phrase) == nil)
    }

    @Test func acceptsStartsInsideItsRange() {
        let filter = TimeOfDayFilter.after(hour: 15)
        #expect(!filter.accepts(minutes: 14 * 60 + 45))
        #expect(filter.accepts(minutes: 15 * 60))
        #expect(!TimeOfDayFilter.before(hour: 11).accepts(minutes: 11 * 60))
    }
}
