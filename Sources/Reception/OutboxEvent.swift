import Foundation
import Scheduling

/// A fact about a committed change, written to the outbox in the change's own transaction, so
/// that consumers (webhooks, texts, reminder calls) can never see an event for a write that
/// rolled back, nor miss one for a write that committed.
public struct OutboxEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case bookingCreated = "booking.created"
        case bookingRescheduled = "booking.rescheduled"
        case bookingCancelled = "booking.cancelled"
        case bookingConfirmed = "booking.confirmed"
        case holdExpired = "hold.expired"
        case callEnded = "call.ended"
    }

    public var kind: Kind
    public var appointmentID: Int64?
    /// The event's `data`, as JSON text (thin: ids and times, never names or free text).
    public var data: String

    public init(kind: Kind, appointmentID: Int64?, data: String) {
        self.kind = kind
        self.appointmentID = appointmentID
        self.data = data
    }

    /// The event for a change to `appointment`: ids, start and end in UTC and in the business's
    /// local time, and who changed it through which channel.
    public static func appointment(
        _ kind: Kind, _ appointment: Appointment, previousAppointmentID: Int64? = nil, change: ChangeRecord, timeZone: TimeZone
    ) -> OutboxEvent {
        let utc = TimeZone(identifier: "UTC")!
        let data = AppointmentEventData(
            appointmentID: appointment.id, previousAppointmentID: previousAppointmentID, patientID: appointment.patientID,
            providerID: appointment.providerID, serviceID: appointment.serviceID, locationID: appointment.locationID,
            status: appointment.status.rawValue, startUTC: Self.local(appointment.start, utc),
            endUTC: Self.local(appointment.end, utc), startLocal: Self.local(appointment.start, timeZone),
            endLocal: Self.local(appointment.end, timeZone), timeZone: timeZone.identifier, channel: change.channel,
            actor: change.actorKind.rawValue, conversationID: change.conversationID)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return OutboxEvent(kind: kind, appointmentID: appointment.id, data: text)
    }

    private struct AppointmentEventData: Encodable {
        var appointmentID: Int64
        var previousAppointmentID: Int64?
        var patientID: Int64
        var providerID: String
        var serviceID: String
        var locationID: String
        var status: String
        var startUTC: String
        var endUTC: String
        var startLocal: String
        var endLocal: String
        var timeZone: String
        var channel: String
        var actor: String
        var conversationID: String?

        enum CodingKeys: String, CodingKey {
            case appointmentID = "appointment_id", previousAppointmentID = "previous_appointment_id", patientID = "patient_id"
            case providerID = "provider_id", serviceID = "service_id", locationID = "location_id", status
            case startUTC = "start_utc", endUTC = "end_utc", startLocal = "start_local", endLocal = "end_local"
            case timeZone = "time_zone", channel, actor, conversationID = "conversation_id"
        }
    }

    /// "2026-11-23T09:00:00-05:00": the wall time in `zone` with its offset ("…Z" in UTC).
    private static func local(_ date: Date, _ zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
