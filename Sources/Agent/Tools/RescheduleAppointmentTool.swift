import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `reschedule_appointment`: moves one of the verified caller's own appointments to a new
/// start in one transaction (`FrontDesk.reschedule`): the new time is booked and the old one
/// released, or nothing changes. Keyed like a booking, so a retried turn does not move twice.
public struct RescheduleAppointmentTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties: [ToolSchema.Property] = [
        ("appointment_id", ToolSchema.integer("The appointment_id from get_patient_appointments.")),
        ("new_start", ToolSchema.string("The new slot's start as find_available_slots returned it, e.g. \"2026-11-23T09:00:00-05:00\".")),
        ("provider_id", ToolSchema.nullableString("The new slot's provider_id, or null to keep the same provider.")),
        ("location_id", ToolSchema.nullableString("The new slot's location_id, or null.")),
    ]

    public let definition = ToolDefinition(
        name: "reschedule_appointment",
        description: "Move one of the caller's own appointments to a new time (same service). Find the new time with find_available_slots first.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let appointmentID = try args.integer("appointment_id")
        let voice = try await CalendarVoice(desk: desk)
        let newStart = try args.dateTime("new_start", clock: voice.clock)
        let provider = try voice.provider(try args.optionalString("provider_id"))
        let location = try voice.location(try args.optionalString("location_id"))
        let moved = try await voice.attempt { () async throws(FrontDeskError) in
            try await desk.reschedule(appointmentID: appointmentID, to: newStart, providerID: provider?.id, locationID: location?.id,
                                      for: context.actor, now: context.now)
        }
        var answer = voice.appointment(moved).objectValue ?? [:]
        answer["previous_appointment_id"] = .int(Int(appointmentID))
        return .object(answer)
    }
}
