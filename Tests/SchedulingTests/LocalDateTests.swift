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
