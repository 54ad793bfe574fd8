import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `get_reminder_context`: on a reminder call FrontDesk placed, which appointment the call is
/// about. Only for the patient the call reached: the reminder must be theirs (the number
/// called), whatever id the call's metadata names. Offered only on reminder calls.
public struct GetReminderContextTool: AgentTool {
    public static let name = "get_reminder_context"
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    public let definition = ToolDefinition(
        name: GetReminderContextTool.name,
        description: "On this reminder call: the appointment it is about (service, provider, place, time) and whether it is confirmed.",
        parameters: ToolSchema.object([]))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        _ = try ToolArguments(arguments, allowed: [])
        guard let reminderID = context.reminderID else {
            throw ToolFailure(code: "not_a_reminder_call", message: "This call is not a reminder call.")
        }
        let reminder = try await ToolFailure.attempt(voice: nil) { () async throws(FrontDeskError) in
            try await desk.reminderContext(id: reminderID, for: context.actor)
        }
        let voice = try await CalendarVoice(desk: desk)
        return [
            "reminder_id": .int(Int(reminder.reminderID)), "appointment_id": .int(Int(reminder.appointmentID)),
            "patient_first_name": .string(reminder.firstName), "service": .string(reminder.serviceName),
            "provider": .string(reminder.providerName), "location": .string(reminder.locationName),
            "start": .string(voice.local.isoDateTime(reminder.start)), "spoken": .string(voice.local.slot(reminder.start)), "status": .string(reminder.status), "confirmed": .bool(reminder.confirmed),
        ]
    }
}

/// `confirm_appointment`: the caller says they will come. Their own appointments only.
/// Offered only on reminder calls.
public struct ConfirmAppointmentTool: AgentTool {
    public static let name = "confirm_appointment"
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties: [ToolSchema.Property] = [
        ("appointment_id", ToolSchema.integer("The appointment_id from get_reminder_context or get_patient_appointments.")),
    ]

    public let definition = ToolDefinition(
        name: ConfirmAppointmentTool.name,
        description: "Mark one of the caller's own appointments as confirmed when they say they will come.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let appointmentID = try args.integer("appointment_id")
        let voice = try await CalendarVoice(desk: desk)
        return voice.appointment(try await voice.attempt { () async throws(FrontDeskError) in
            try await desk.confirm(appointmentID: appointmentID, for: context.actor, now: context.now)
        })
    }
}
