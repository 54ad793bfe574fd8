import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `reschedule_appointment`: moves one of the verified caller's own appointments to a new
/// start in one transaction (`FrontDesk.reschedule`): the new time is booked and the old one
/// released, or nothing changes. Keyed like a booking, so a retried turn does not move twice.
///
/// Two-phase (`ChangeProposal`): the first call says what would move where, in words to read
/// back; the same call in a later turn, after the caller said yes, moves it. A repeated move
/// says it was already done.
public struct RescheduleAppointmentTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties: [ToolSchema.Property] = [
        ("appointment_id", ToolSchema.integer("From get_patient_appointments.")),
        ("new_start", ToolSchema.string("The new slot's start as find_available_slots gave it.")),
        ("provider_id", ToolSchema.nullableString("The new slot's provider_id, or null for the same provider.")),
        ("location_id", ToolSchema.nullableString("The new slot's location_id, or null.")),
    ]

    public let definition = ToolDefinition(
        name: "reschedule_appointment",
        description: "Move one of the caller's appointments to a time from find_available_slots. The first call returns what to read back; call again after the caller confirms.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let appointmentID = try args.integer("appointment_id")
        let voice = try await CalendarVoice(desk: desk)
        let newStart = try args.dateTime("new_start", clock: voice.clock)
        let provider = try voice.provider(try args.optionalString("provider_id"))
        let location = try voice.location(try args.optionalString("location_id"))
        let current = try await voice.attempt { () async throws(FrontDeskError) in
            try await desk.ownAppointment(id: appointmentID, for: context.actor)
        }
        let move = { () async throws(ToolFailure) -> Appointment in
            try await voice.attempt { () async throws(FrontDeskError) in
                try await desk.reschedule(appointmentID: appointmentID, to: newStart, providerID: provider?.id, locationID: location?.id,
                                          for: context.actor, now: context.now)
            }
        }
        // No longer booked: either this very move was made before (the exactly-once key gives
        // it back, and nothing changes) or the store refuses it. Neither changes anything now.
        if current.status != .booked {
            var answer = Self.answer(try await move(), from: appointmentID, voice: voice)
            answer["already_done"] = true
            answer["message"] = "This move was already made before; nothing changed now."
            return .object(answer)
        }
        let change = ChangeProposal(action: .reschedule, appointmentID: appointmentID, newStart: newStart, providerID: provider?.id)
        guard context.isConfirmed(change) else {
            let newProvider = voice.providerName(provider?.id ?? current.providerID)
            throw change.failure(
                readBack: "move \(voice.describe(current)) to \(voice.local.slot(newStart)) with \(newProvider)", tool: definition.name,
                sameArguments: "the same appointment_id and new_start")
        }
        return .object(Self.answer(try await move(), from: appointmentID, voice: voice))
    }

    static func answer(_ moved: Appointment, from appointmentID: Int64, voice: CalendarVoice) -> [String: JSONValue] {
        var answer = voice.appointment(moved).objectValue ?? [:]
        answer["previous_appointment_id"] = .int(Int(appointmentID))
        return answer
    }
}
