import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `get_patient_appointments`: the verified caller's own upcoming appointments — never
/// anyone else's, whatever the model asks.
public struct GetPatientAppointmentsTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    public let definition = ToolDefinition(
        name: "get_patient_appointments",
        description: "List the caller's own upcoming appointments with their appointment_id (for cancel or reschedule).",
        parameters: ToolSchema.object([]))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        _ = try ToolArguments(arguments, allowed: [])
        let voice = try await CalendarVoice(desk: desk)
        let (patient, upcoming) = try await voice.attempt { () async throws(FrontDeskError) in
            try await desk.upcomingAppointments(for: context.actor, now: context.now)
        }
        return [
            "patient_first_name": .string(patient.firstName),
            "appointments": .array(upcoming.prefix(10).map(voice.appointment)),
        ]
    }
}
