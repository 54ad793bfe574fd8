import Foundation
import Scheduling
import Testing

/// The pure engine, fed plain values: no database.
@Suite struct AvailabilityEngineTests {
    let engine = try! AvailabilityEngine(profile: TestBook.clinic)
    let now = TestBook.now

    func query(_ service: String = "checkup", provider: String? = nil, from: String, to: String? = nil,
               timeOfDay: TimeOfDayFilter = .any, limit: Int = 100) -> AvailabilityQuery {
        AvailabilityQuery(serviceID: service, providerID: provider, from: LocalDate(from), to: LocalDate(to ?? from),
                          timeOfDay: timeOfDay, limit: limit, oneProviderPerTime: true)
    }

    @Test func slotsFollowWorkingHoursMinusBreaksOnTheStepGrid() throws {
        // Given Alice's Tuesday 09:00–17:00 with lunch 12:00–13:00
        let result = try engine.findSlots(query(provider: "alice", from: "2026-03-03"), busy: [:], now: now)
        // Then 30-minute checkups start every 15 minutes and never cross lunch or closing
        let starts = result.localStarts
        #expect(starts.first == "2026-03-03 09:00")
        #expect(starts.contains("2026-03-03 11:30"))
        #expect(!starts.contains("2026-03-03 11:45"))
        #expect(!starts.contains("2026-03-03 12:30"))
        #expect(starts.contains("2026-03-03 13:00"))
        #expect(starts.last == "2026-03-03 16:30")
        #expect(starts.count == 11 + 15)
        #expect(result.days.map(\.weekday) == ["Tuesday"])
    }

    @Test func bookedTimeAndItsBuffersAreNotOffered() throws {
        // Given Alice has a cleaning 10:00–11:00 with a 15-minute buffer after (busy 10:00–11:15)
        let busy = BusyInterval(start: Int64(TestBook.local("2026-03-03", "10:00").timeIntervalSince1970),
                                end: Int64(TestBook.local("2026-03-03", "11:15").timeIntervalSince1970))
        let starts = try engine.findSlots(query(provider: "alice", from: "2026-03-03"), busy: ["alice": [busy]], now: now).localStarts
        // Then a checkup may end exactly at 10:00 and start at 11:15, nothing in between
        #expect(starts.contains("2026-03-03 09:30"))
        #expect(!starts.contains("2026-03-03 09:45"))
        #expect(!starts.contains("2026-03-03 11:00"))
        #expect(starts.contains("2026-03-03 11:15"))
    }

    @Test func aServiceBufferKeepsItsDistanceFromTheNextBooking() throws {
        // Given Alice is busy from 11:00; a cleaning takes 60 min + 15 min buffer after
        let busy = BusyInterval(start: Int64(TestBook.local("2026-03-03", "11:00").timeIntervalSince1970),
                                end: Int64(TestBook.local("2026-03-03", "11:30").timeIntervalSince1970))
        let starts = try engine.findSlots(query("cleaning", from: "2026-03-03"), busy: ["alice": [busy]], now: now).localStarts
        #expect(starts.contains("2026-03-03 09:45"))
        #expect(!starts.contains("2026-03-03 10:00"))
    }

    @Test func minimumNoticeHidesSlotsTooSoon() throws {
        // Given it is 08:00 local on Tuesday and notice is two hours
        let eight = TestBook.local("2026-03-03", "08:00")
        let starts = try engine.findSlots(query(provider: "bob", from: "2026-03-03"), busy: [:], now: eight).localStarts
        #expect(starts.first == "2026-03-03 10:00")
    }

    @Test func closedDatesAndProviderAbsencesHaveNoSlots() throws {
        let closed = try engine.findSlots(query(from: "2026-03-20"), busy: [:], now: now)
        #expect(closed.days.isEmpty)
        #expect(closed.nextAvailableDate == "2026-03-23")
        let bobAway = try engine.findSlots(query(provider: "bob", from: "2026-03-11"), busy: [:], now: now)
        #expect(bobAway.days.isEmpty)
        let aliceThere = try engine.findSlots(query(provider: "alice", from: "2026-03-11"), busy: [:], now: now)
        #expect(!aliceThere.days.isEmpty)
    }

    @Test func weekendsFallThroughToTheNextAvailableDate() throws {
        let result = try engine.findSlots(query(from: "2026-03-07", to: "2026-03-08"), busy: [:], now: now)
        #expect(result.days.isEmpty)
        #expect(result.nextAvailableDate == "2026-03-09")
    }

    @Test func beyondTheHorizonIsRefused() throws {
        #expect(throws: SchedulingError.beyondHorizon(days: 60)) {
            try engine.findSlots(query(from: "2026-06-01"), busy: [:], now: now)
        }
        // A range that runs past the horizon is clipped to it.
        let clipped = try engine.findSlots(query(from: "2026-04-30", to: "2026-05-30"), busy: [:], now: now)
        #expect(clipped.days.last?.localDate == "2026-05-01")
    }

    @Test func timeOfDayFilterAndLimitGroupByDay() throws {
        let result = try engine.findSlots(query(from: "2026-03-03", to: "2026-03-06", timeOfDay: .after(hour: 15), limit: 10), busy: [:], now: now)
        #expect(result.slots.count == 10)
        #expect(result.days.map(\.localDate) == ["2026-03-03", "2026-03-04"]) // 7 starts fit 15:00–16:30 each day
        #expect(result.localStarts.allSatisfy { $0.hasSuffix("15:00") || $0.hasSuffix("15:15") || $0.hasSuffix("15:30") || $0.hasSuffix("15:45") || $0.hasSuffix("16:00") || $0.hasSuffix("16:15") || $0.hasSuffix("16:30") })
    }

    @Test func oneProviderPerTimePrefersProfileOrder() throws {
        let result = try engine.findSlots(query(from: "2026-03-03", limit: 1), busy: [:], now: now)
        #expect(result.slots.first?.providerID == "alice")
        let bobWhenAliceBusy = try engine.findSlots(query(from: "2026-03-03", limit: 1), busy: ["alice": [
            BusyInterval(start: Int64(TestBook.local("2026-03-03", "09:00").timeIntervalSince1970),
                         end: Int64(TestBook.local("2026-03-03", "09:30").timeIntervalSince1970)),
        ]], now: now)
        #expect(bobWhenAliceBusy.slots.first?.providerID == "bob")
        #expect(bobWhenAliceBusy.localStarts.first == "2026-03-03 09:00")
    }

    /// S5: 09:00 local is offered and stored as 09:00 local on both sides of the DST change.
    @Test func nineAMStaysNineAMAcrossTheDSTChange() throws {
        let result = try engine.findSlots(query(provider: "bob", from: "2026-03-06", to: "2026-03-09"), busy: [:], now: now)
        let firsts = result.days.map { $0.slots[0] }
        #expect(result.days.map(\.localDate) == ["2026-03-06", "2026-03-09"])
        #expect(firsts.map { TestBook.clock.local($0.start).minutes } == [540, 540])
        // 09:00 EST is 14:00 UTC; 09:00 EDT is 13:00 UTC.
        #expect(firsts[0].start == ISO8601DateFormatter().date(from: "2026-03-06T14:00:00Z"))
        #expect(firsts[1].start == ISO8601DateFormatter().date(from: "2026-03-09T13:00:00Z"))
    }

    @Test func unknownIdsAreNotFoundAndMismatchesAreInvalid() {
        #expect(throws: SchedulingError.notFound("service")) { try engine.findSlots(query("x-ray", from: "2026-03-03"), busy: [:], now: now) }
        #expect(throws: SchedulingError.notFound("provider")) { try engine.findSlots(query(provider: "zed", from: "2026-03-03"), busy: [:], now: now) }
        #expect {
            try engine.findSlots(query("cleaning", provider: "bob", from: "2026-03-03"), busy: [:], now: now)
        } throws: { ($0 as? SchedulingError)?.code == "invalid_arguments" }
    }

    @Test func businessCustomHoursReplaceTheDay() throws {
        var profile = TestBook.clinic
        profile.overrides.append(DateOverride(date: "2026-03-05", closed: false, open: "10:00", close: "12:00", reason: "Short day"))
        let engine = try AvailabilityEngine(profile: profile)
        let starts = try engine.findSlots(query(provider: "bob", from: "2026-03-05"), busy: [:], now: now).localStarts
        #expect(starts.first == "2026-03-05 10:00")
        #expect(starts.last == "2026-03-05 11:30")
    }
}
