import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `search_patients`: verifies the caller by full name + date of birth. It never lists
/// records and never returns another person's details (A4): the answer is "verified" with the
/// caller's own first name (and the record is bound to this conversation), or `not_found`.
public struct SearchPatientsTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties: [ToolSchema.Property] = [
        ("first_name", ToolSchema.string("As said.")),
        ("last_name", ToolSchema.string("As said.")),
        ("date_of_birth", ToolSchema.string("YYYY-MM-DD.")),
    ]

    public let definition = ToolDefinition(
        name: "search_patients",
        description: "Verify the caller by full name and date of birth (never anyone else); then their appointments are open to the other tools.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let claim = IdentityClaim(
            firstName: try args.personName("first_name"), lastName: try args.personName("last_name"),
            dateOfBirth: try args.date("date_of_birth").description)
        let verified = try await ToolFailure.attempt(voice: nil) { () async throws(FrontDeskError) in
            try await desk.verify(claim, caller: context.caller, now: context.now)
        }
        guard let patient = verified else {
            // One answer for "nobody", "several" and "someone not on this phone": no oracle.
            throw ToolFailure(
                code: "not_found",
                message: "No patient could be verified with that name and date of birth. Ask the caller to spell their name and repeat their date of birth, or offer to register them as a new patient.")
        }
        return ["verified": true, "first_name": .string(patient.firstName)]
    }
}
