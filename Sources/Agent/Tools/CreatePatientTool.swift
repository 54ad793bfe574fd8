import Foundation
import OpenAIWire
import Scheduling

/// `create_patient`: registers a new patient and binds them to this conversation. The phone
/// defaults to the caller's number. A duplicate is refused as `duplicate_patient` without a
/// word about the existing record.
public struct CreatePatientTool: AgentTool {
    let book: AppointmentBook
    let authority: CallerAuthority

    public init(book: AppointmentBook, authority: CallerAuthority) {
        self.book = book
        self.authority = authority
    }

    static let properties: [ToolSchema.Property] = [
        ("first_name", ToolSchema.string("The new patient's first name.")),
        ("last_name", ToolSchema.string("The new patient's last name.")),
        ("date_of_birth", ToolSchema.string("The new patient's date of birth, YYYY-MM-DD.")),
        ("phone", ToolSchema.nullableString("A phone number if different from the number calling, else null.")),
        ("email", ToolSchema.nullableString("An email address if the caller offers one, else null.")),
    ]

    public let definition = ToolDefinition(
        name: "create_patient",
        description: "Register a new patient (the caller or someone they are booking for). Only after search_patients found no record.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let first = try args.string("first_name")
        let last = try args.string("last_name")
        let dateOfBirth = try args.date("date_of_birth")
        let phone = try args.optionalString("phone") ?? context.callerNumber
        if let phone, PhoneNumber(phone) == nil {
            throw ToolFailure.invalidArguments(field: "phone", "'phone' is not a valid phone number.")
        }
        let email = try args.optionalString("email")
        if let email, !email.contains("@") || email.count > 254 {
            throw ToolFailure.invalidArguments(field: "email", "'email' is not a valid email address.")
        }
        let patient = try ToolFailure.attempt(voice: nil) {
            try book.createPatient(NewPatient(firstName: first, lastName: last, dateOfBirth: dateOfBirth.description,
                                              phone: phone, email: email), now: context.now)
        }
        authority.bind(patientID: patient.id, context: context)
        return ["created": true, "first_name": .string(patient.firstName)]
    }
}
