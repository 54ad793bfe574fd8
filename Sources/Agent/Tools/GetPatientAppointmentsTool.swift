import Foundation
import OpenAIWire
import SQLiteStore
import Scheduling

/// `get_patient_appointments`: the verified caller's own upcoming appointments — never
/// anyone else's, whatever the model asks.
public struct GetPatientAppointmentsTool: AgentTool {
    let book: AppointmentBook
    let authority: CallerAuthority

    public init(book: AppointmentBook, authority: CallerAuthority) {
        self.book = book
        self.authority = authority
    }

    public let definition = ToolDefinition(
        name: "get_patient_appointments",
        description: "List the caller's own upcoming appointments with their appointment_id (for cancel or reschedule).",
        parameters: ToolSchema.object([]))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        _ = try ToolArguments(arguments, allowed: [])
        let voice = try CalendarVoice(book: book)
        let patient = try authority.requirePatient(context)
        let upcoming = try ToolFailure.attempt(voice: voice) { try book.appointments(forPatient: patient.id, from: context.now) }
        return [
            "patient_first_name": .string(patient.firstName),
            "appointments": .array(upcoming.prefix(10).map(voice.appointment)),
        ]
    }
}
