import Foundation
import Scheduling

/// One local day of the business, a column per provider: when they work, what is booked,
/// what is held on a live call, and the free time left. What the console's Today page shows.
public struct DaySheet: Sendable, Equatable {
    public var date: LocalDate
    public var columns: [Column]

    public init(date: LocalDate, columns: [Column]) {
        self.date = date
        self.columns = columns
    }

    public struct Column: Sendable, Equatable {
        public var providerID: String
        /// When the provider sees patients that day (any location), in time order.
        public var working: [DateInterval]
        /// Every appointment of the day (cancelled ones too), by start.
        public var appointments: [AppointmentRecord]
        /// Slots held for a conversation right now, by start.
        public var holds: [Hold]

        public init(providerID: String, working: [DateInterval], appointments: [AppointmentRecord], holds: [Hold]) {
            self.providerID = providerID
            self.working = working
            self.appointments = appointments
            self.holds = holds
        }

        /// Working time not taken by a booked appointment or a live hold.
        public var gaps: [DateInterval] {
            let taken = (appointments.filter { $0.appointment.status == .booked }.map { DateInterval(start: $0.appointment.start, end: $0.appointment.end) }
                + holds.map { DateInterval(start: $0.slot.start, end: $0.slot.end) }).sorted { $0.start < $1.start }
            var gaps: [DateInterval] = []
            for period in working {
                var cursor = period.start
                for busy in taken where busy.end > cursor && busy.start < period.end {
                    if busy.start > cursor { gaps.append(DateInterval(start: cursor, end: busy.start)) }
                    cursor = max(cursor, busy.end)
                }
                if cursor < period.end { gaps.append(DateInterval(start: cursor, end: period.end)) }
            }
            return gaps
        }
    }
}
