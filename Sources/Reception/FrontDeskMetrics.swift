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
}
