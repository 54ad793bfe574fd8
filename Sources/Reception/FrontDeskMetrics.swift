import CoreMetrics
import Metrics
import Scheduling

/// The front desk's metrics (swift-metrics; the server picks the backend). Labels are actions
/// and channels, never who.
enum FrontDeskMetrics {
    /// A booking refused because the time was taken (by another provider's booking or the patient's own).
    static let conflicts = Counter(label: "frontdesk_booking_conflicts_total")

    static func refused(_ error: SchedulingError) {
        switch error {
        case .slotUnavailable, .patientBusy: conflicts.increment()
        default: break
        }
    }

    /// A booking created, rescheduled, cancelled or confirmed, by channel (voice, sms, api, console, cli, system).
    static func changed(_ action: String, by actor: FrontDeskActor) {
        Counter(label: "frontdesk_bookings_total", dimensions: [("action", action), ("channel", actor.change(actingFor: nil).channel)]).increment()
    }

    /// One availability search (the voice tool's, the API's, the console's), start to result.
    static func searched(since started: ContinuousClock.Instant) {
        Timer(label: "frontdesk_availability_search_seconds").record(ContinuousClock.now - started)
    }

    /// One booking transaction (create, cancel, reschedule, confirm), committed or refused.
    static func transaction(_ action: String, since started: ContinuousClock.Instant) {
        Timer(label: "frontdesk_booking_transaction_seconds", dimensions: [("action", action)]).record(ContinuousClock.now - started)
    }
}

extension Timer {
    /// A `Duration` recorded as the nanoseconds swift-metrics takes (for every layer's timers).
    public func record(_ duration: Duration) {
        recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
