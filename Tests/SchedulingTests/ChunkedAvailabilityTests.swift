import Foundation
import SQLiteStore
import Scheduling
import Testing

/// `findAvailableSlots` keeps booked intervals in memory per provider and reads holds a few days at
/// a time. These tests hold it to what the engine finds when it is handed every booked appointment
/// at once, built independently here from the listed appointments and the profile's buffers, and
/// to writes made through another connection, as another process would.
@Suite struct ChunkedAvailabilityTests {
    @Test func writesThroughAnotherConnectionAreSeenByTheNextSearch() throws {
        let path = TestBook.temporaryPath()
        let searcher = try AppointmentBook(path: path)
        try searcher.importProfile(TestBook.clinic, now: TestBook.now)
        let other = try AppointmentBook(path: path)
        let patient = try TestBook.patient(other)
        let query = AvailabilityQuery(serviceID: "cleaning", providerID: "alice", from: LocalDate("2026-03-03"), limit: 1)
        let first = try #require(try searcher.findAvailableSlots(query, now: TestBook.now).slots.first)
        #expect(first.start == TestBook.local("2026-03-03", "09:00"))

        // Booked elsewhere: the cached intervals must not offer it again.
        let booked = try other.book(BookingRequest(patientID: patient.id, serviceID: "cleaning", providerID: "alice", start: first.start),
                                    now: TestBook.now)
        let afterBooking = try #require(try searcher.findAvailableSlots(query, now: TestBook.now).slots.first)
        #expect(afterBooking.start == TestBook.local("2026-03-03", "10:15"))  // 60 minutes + 15 of buffer

        // Moved elsewhere: the old time is free again and the new one is taken.
        let moved = try other.reschedule(appointmentID: booked.id, forPatient: patient.id, to: TestBook.local("2026-03-03", "14:00"),
                                         now: TestBook.now)
        let afterMove = try searcher.findAvailableSlots(
            AvailabilityQuery(serviceID: "cleaning", providerID: "alice", from: LocalDate("2026-03-03"), to: LocalDate("2026-03-03"), limit: 20),
            now: TestBook.now).slots.map(\.start)
        #expect(afterMove.contains(TestBook.local("2026-03-03", "09:00")))
        #expect(!afterMove.contains(TestBook.local("2026-03-03", "14:00")))

        // Cancelled elsewhere: free again.
        _ = try other.cancel(appointmentID: moved.id, forPatient: patient.id, reason: nil, conversationID: nil, now: TestBook.now)
        let afterCancel = try searcher.findAvailableSlots(
            AvailabilityQuery(serviceID: "cleaning", providerID: "alice", from: LocalDate("2026-03-03"), to: LocalDate("2026-03-03"), limit: 20),
            now: TestBook.now).slots.map(\.start)
        #expect(afterCancel.contains(TestBook.local("2026-03-03", "14:00")))
    }

    @Test func searchingInChunksFindsWhatOneWholeReadFinds() throws {
        let book = try AppointmentBook(path: TestBook.temporaryPath())
        let now = TestBook.now
        // 4 providers × 45 days, 18 half-hour starts a day, about 90% full: 60-minute visits are
        // rare, so many queries search far past their range for the next free date.
        let summary = try CalendarGenerator.fill(book, providers: 4, days: 45, appointments: 2_050, patients: 50, now: now)
        let profile = try book.profile()
        let engine = try AvailabilityEngine(profile: profile)
        let today = engine.clock.local(now).date
        // Other callers' holds across the horizon, one each (a new hold releases the caller's last).
        // Booked intervals come from memory; holds are read a stretch of days at a time, so these
        // are what the stretches must get right.
        var holds: [Hold] = []
        for offset in stride(from: 0, through: 44, by: 2) {
            let day = today.adding(days: offset)
            let free = AvailabilityQuery(serviceID: "visit30", providerID: summary.providerIDs[1], from: day, to: day, limit: 1)
            guard let slot = try book.findAvailableSlots(free, now: now).slots.first else { continue }
            holds.append(try book.hold(serviceID: "visit30", providerID: slot.providerID, start: slot.start, conversationID: "caller-\(offset)", now: now))
        }
        #expect(holds.count >= 10)
        let everything = try Self.busyFromListings(book: book, profile: profile, holds: holds)

        var compared = 0, probedPastRange = 0, slotsPastFirstChunk = 0
        for service in summary.serviceIDs {
            for provider in [nil, summary.providerIDs[1]] {
                for timeOfDay in [TimeOfDayFilter.any, .afternoon, .after(hour: 16, minute: 30)] {
                    for from in [nil, 3, 20, 40].map({ $0.map { today.adding(days: $0) } }) {
                        for (to, limit, perDay) in [(nil, 6, nil), (2, 1, nil), (9, 40, 2)] as [(Int?, Int, Int?)] {
                            let query = AvailabilityQuery(
                                serviceID: service, providerID: provider, from: from, to: to.map { (from ?? today).adding(days: $0) },
                                timeOfDay: timeOfDay, limit: limit, perDayLimit: perDay)
                            let chunked = try book.findAvailableSlots(query, now: now)
                            let whole = try engine.findSlots(query, busy: everything, now: now)
                            #expect(chunked == whole, "\(query)")
                            compared += 1
                            if chunked.days.isEmpty, chunked.nextAvailableDate != nil { probedPastRange += 1 }
                            if let last = chunked.days.last, let date = LocalDate(last.localDate), date > (from ?? today).adding(days: 1) {
                                slotsPastFirstChunk += 1
                            }
                        }
                    }
                }
            }
        }
        #expect(compared == 144)
        // The comparison only means something if it crossed chunk boundaries both ways.
        #expect(probedPastRange >= 5)
        #expect(slotsPastFirstChunk >= 5)
    }

    @Test func aBufferBeforeReachingBackPastMidnightSeesTheEveningBefore() throws {
        var profile = TestBook.clinic
        profile.bookingRules.minimumNoticeMinutes = 0
        profile.locations[0].hours = Weekday.allCases.map { WeeklyHours(day: $0, open: "00:00", close: "23:59") }
        profile.providers[0].hours = Weekday.allCases.map { WeeklyHours(day: $0, open: "00:00", close: "23:59") }
        profile.services[1].bufferBeforeMinutes = 60
        profile.services[1].bufferAfterMinutes = 0
        let book = try TestBook.make(profile)
        let patient = try TestBook.patient(book)
        _ = try book.book(BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "alice",
                                         start: TestBook.local("2026-03-04", "23:15")), now: TestBook.now)
        // A cleaning needs the hour before it free, so on the 5th the first one starts at 00:45,
        // when the 4th's 23:15–23:45 checkup is an hour gone. A search of the 5th alone must
        // still read that evening.
        let query = AvailabilityQuery(serviceID: "cleaning", providerID: "alice", from: LocalDate("2026-03-05"), limit: 1)
        let first = try #require(try book.findAvailableSlots(query, now: TestBook.now).slots.first)
        #expect(first.start == TestBook.local("2026-03-05", "00:45"))

        // The same with another caller's hold: holds are read only for the days searched.
        _ = try book.hold(serviceID: "checkup", providerID: "alice", start: TestBook.local("2026-03-06", "23:15"),
                          conversationID: "another-caller", now: TestBook.now)
        let nextDay = AvailabilityQuery(serviceID: "cleaning", providerID: "alice", from: LocalDate("2026-03-07"), limit: 1)
        let firstAfterHold = try #require(try book.findAvailableSlots(nextDay, now: TestBook.now).slots.first)
        #expect(firstAfterHold.start == TestBook.local("2026-03-07", "00:45"))
    }

    /// Busy intervals per provider from the listed booked appointments and the profile's buffers.
    static func busyFromListings(book: AppointmentBook, profile: BusinessProfile, holds: [Hold]) throws -> [String: [BusyInterval]] {
        let providerIDs = Dictionary(uniqueKeysWithValues: profile.providers.map { ($0.name, $0.id) })
        let services = Dictionary(uniqueKeysWithValues: profile.services.map { ($0.name, $0) })
        var busy: [String: [BusyInterval]] = [:]
        for listing in try book.listAppointments() where listing.status == .booked {
            let service = try #require(services[listing.serviceName])
            let start = Int64(listing.start.timeIntervalSince1970) - Int64(service.bufferBeforeMinutes) * 60
            let end = Int64(listing.end.timeIntervalSince1970) + Int64(service.bufferAfterMinutes) * 60
            busy[try #require(providerIDs[listing.providerName]), default: []].append(BusyInterval(start: start, end: end))
        }
        for hold in holds {
            let service = try #require(profile.services.first { $0.id == hold.slot.serviceID })
            let start = Int64(hold.slot.start.timeIntervalSince1970) - Int64(service.bufferBeforeMinutes) * 60
            let end = Int64(hold.slot.end.timeIntervalSince1970) + Int64(service.bufferAfterMinutes) * 60
            busy[hold.slot.providerID, default: []].append(BusyInterval(start: start, end: end))
        }
        return busy
    }
}
