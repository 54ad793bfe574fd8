import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `create_patient`: registers a new patient on the number calling (never a number the model
/// names: A11) and binds them to this conversation. A duplicate is refused as
/// `duplicate_patient` without a word about the existing record; every answer draws on the
/// caller's verification budget, since it confirms or denies a name + date of birth (A10).
public struct CreatePatientTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties: [ToolSchema.Property] = [
        ("first_name", ToolSchema.string("As said.")),
        ("last_name", ToolSchema.string("As said.")),
        ("date_of_birth", ToolSchema.string("YYYY-MM-DD.")),
        ("email", ToolSchema.nullableString("If offered, or null.")),
    ]

    public let definition = ToolDefinition(
        name: "create_patient",
        description: "Register a new patient on this number, only after search_patients found none.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let first = try args.personName("first_name")
        let last = try args.personName("last_name")
        let dateOfBirth = try args.date("date_of_birth")
        let email = try args.optionalString("email", maxLength: 254)
        if let email, !email.contains("@") || email.contains(" ") {
            throw ToolFailure.invalidArguments(field: "email", "'email' is not a valid email address.")
        }
        let patient = try await ToolFailure.attempt(voice: nil) { () async throws(FrontDeskError) in
            try await desk.register(NewPatient(firstName: first, lastName: last, dateOfBirth: dateOfBirth.description, email: email),
                                    caller: context.caller, now: context.now)
        }
        return ["created": true, "first_name": .string(patient.firstName)]
    }
}
