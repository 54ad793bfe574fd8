import Foundation
import OpenAIWire
import SQLiteStore
import Scheduling

/// `book_appointment`: books a slot (or confirms this call's hold) for the verified caller.
///
/// Exactly once: the booking is keyed by conversation + tool + patient + canonical arguments,
/// so a retried turn (the platform re-sent it, the model asked twice) gets the first booking
/// back instead of a second one.
public struct BookAppointmentTool: AgentTool {
    let book: AppointmentBook
    let authority: CallerAuthority

    public init(book: AppointmentBook, authority: CallerAuthority) {
        self.book = book
        self.authority = authority
    }

    static let properties: [ToolSchema.Property] = [
        ("service_id", ToolSchema.string("The service id, e.g. \"cleaning\".")),
        ("start", ToolSchema.string("The slot's start exactly as find_available_slots returned it, e.g. \"2026-11-23T09:00:00-05:00\".")),
        ("provider_id", ToolSchema.nullableString("The slot's provider_id, or null for whoever is free.")),
        ("location_id", ToolSchema.nullableString("The slot's location_id, or null.")),
        ("hold_id", ToolSchema.nullableInteger("The hold_id from hold_slot when the slot was held, else null.")),
        ("notes", ToolSchema.nullableString("A short note for the practice (reason for visit), or null.")),
    ]

    public let definition = ToolDefinition(
        name: "book_appointment",
        description: "Book an appointment for the caller once they have confirmed the time. Read back the spoken time after booking.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let voice = try CalendarVoice(book: book)
        let service = try voice.service(try args.string("service_id"))
        let start = try args.dateTime("start", clock: voice.clock)
        let provider = try voice.provider(try args.optionalString("provider_id"))
        let location = try voice.location(try args.optionalString("location_id"))
        let holdID = try args.optionalInteger("hold_id")
        let notes = try args.optionalString("notes")
        if let notes, notes.count > 500 {
            throw ToolFailure.invalidArguments(field: "notes", "'notes' must be at most 500 characters.")
        }
        let patient = try authority.requirePatient(context)
        let key = Self.idempotencyKey(conversationID: context.conversationID, tool: definition.name, patientID: patient.id,
                                      arguments: arguments)

        let appointment = try ToolFailure.attempt(voice: voice) { () throws -> Appointment in
            if let holdID {
                return try book.confirmHold(holdID, patientID: patient.id, conversationID: context.conversationID, notes: notes,
                                            idempotencyKey: key, now: context.now)
            }
            return try book.book(
                BookingRequest(patientID: patient.id, serviceID: service.id, providerID: provider?.id, locationID: location?.id,
                               start: start, notes: notes, conversationID: context.conversationID, idempotencyKey: key),
                now: context.now)
        }
        return voice.appointment(appointment)
    }

    /// Conversation + tool + patient + the canonical arguments: keys sorted (`serialized()` sorts
    /// them) and null members dropped, so the same request always yields the same key whatever
    /// order the model wrote it in and whether it spelled out its nulls.
    static func idempotencyKey(conversationID: String, tool: String, patientID: Int64, arguments: JSONValue) -> String {
        let canonical = arguments.objectValue.map { JSONValue.object($0.filter { !$0.value.isNull }) } ?? arguments
        return "\(conversationID)|\(tool)|patient:\(patientID)|\(canonical.jsonString)"
    }
}
