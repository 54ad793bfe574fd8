import Foundation
import OpenAIWire
import SQLiteStore
import Scheduling

/// `cancel_appointment`: cancels one of the verified caller's own appointments. Anyone
/// else's id is `not_found` and nothing changes (A2).
public struct CancelAppointmentTool: AgentTool {
    let book: AppointmentBook
    let authority: CallerAuthority

    public init(book: AppointmentBook, authority: CallerAuthority) {
        self.book = book
        self.authority = authority
    }

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
        if let reason, reason.count > 500 {
            throw ToolFailure.invalidArguments(field: "reason", "'reason' must be at most 500 characters.")
        }
        let voice = try CalendarVoice(book: book)
        let patient = try authority.requirePatient(context)
        let cancelled = try ToolFailure.attempt(voice: voice) {
            try book.cancel(appointmentID: appointmentID, forPatient: patient.id, reason: reason,
                            conversationID: context.conversationID, now: context.now)
        }
        return voice.appointment(cancelled)
    }
}
