import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `cancel_appointment`: cancels one of the verified caller's own appointments. Anyone
/// else's id is `not_found` and nothing changes (A2).
public struct CancelAppointmentTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties: [ToolSchema.Property] = [
        ("appointment_id", ToolSchema.integer("The appointment_id from get_patient_appointments.")),
        ("reason", ToolSchema.nullableString("Why the caller is cancelling, in a few words, or null.")),
    ]

    public let definition = ToolDefinition(
        name: "cancel_appointment",
        description: "Cancel one of the caller's own appointments after they confirm which one.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let appointmentID = try args.integer("appointment_id")
        let reason = try args.optionalString("reason")
        let voice = try await CalendarVoice(desk: desk)
        return voice.appointment(try await voice.attempt { () async throws(FrontDeskError) in
            try await desk.cancel(appointmentID: appointmentID, reason: reason, for: context.actor, now: context.now)
        })
    }
}
