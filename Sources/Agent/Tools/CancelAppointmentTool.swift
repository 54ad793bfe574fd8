import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `cancel_appointment`: cancels one of the verified caller's own appointments. Anyone
/// else's id is `not_found` and nothing changes (A2).
///
/// Two-phase (`ChangeProposal`): the first call says what would be cancelled, in words to read
/// back; the same call in a later turn, after the caller said yes, cancels. A repeated cancel
/// says it was already done.
public struct CancelAppointmentTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties: [ToolSchema.Property] = [
        ("appointment_id", ToolSchema.integer("From get_patient_appointments.")),
        ("reason", ToolSchema.nullableString("Why, in a few words, or null.")),
    ]

    public let definition = ToolDefinition(
        name: "cancel_appointment",
        description: "Cancel one of the caller's appointments. The first call returns what to read back; call again after the caller confirms.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let appointmentID = try args.integer("appointment_id")
        let reason = try args.optionalString("reason")
        let voice = try await CalendarVoice(desk: desk)
        let current = try await voice.attempt { () async throws(FrontDeskError) in
            try await desk.ownAppointment(id: appointmentID, for: context.actor)
        }
        if current.status == .cancelled { return Self.alreadyCancelled(current, voice: voice) }
        guard current.status == .booked else { throw ToolFailure(SchedulingError.notBooked, voice: voice) }
        guard current.start > context.now else { throw ToolFailure(SchedulingError.inPast, voice: voice) }

        let change = ChangeProposal(action: .cancel, appointmentID: appointmentID)
        guard context.isConfirmed(change) else {
            throw change.failure(readBack: "cancel \(voice.describe(current))", tool: definition.name,
                                 sameArguments: "the same appointment_id")
        }
        let cancelled = try await voice.attempt { () async throws(FrontDeskError) in
            try await desk.cancel(appointmentID: appointmentID, reason: reason, for: context.actor, now: context.now)
        }
        return cancelled.changed ? voice.appointment(cancelled.appointment) : Self.alreadyCancelled(cancelled.appointment, voice: voice)
    }

    /// A cancel of a cancelled appointment: done before, nothing changed now.
    static func alreadyCancelled(_ appointment: Appointment, voice: CalendarVoice) -> JSONValue {
        var answer = voice.appointment(appointment).objectValue ?? [:]
        answer["already_done"] = true
        answer["message"] = "This appointment was already cancelled before; nothing changed now."
        return .object(answer)
    }
}
