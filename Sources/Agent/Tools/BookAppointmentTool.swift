import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `book_appointment`: books a slot (or confirms this call's hold) for the verified caller.
///
/// Exactly once (`FrontDesk.book`): a retried turn (the platform re-sent it, the model asked
/// twice) gets the first booking back instead of a second one.
///
/// Booking over a hold is two-phase: the hold is the proposal the assistant reads back, and
/// it is booked only from a later turn, after the caller has spoken (a hold made and booked in
/// one turn gets `confirmation_required`).
public struct BookAppointmentTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties: [ToolSchema.Property] = ToolSchema.slot + [
        ("hold_id", ToolSchema.nullableInteger("From hold_slot, or null.")),
        ("notes", ToolSchema.nullableString("Reason for the visit, or null.")),
    ]

    public let definition = ToolDefinition(
        name: "book_appointment",
        description: "Book the slot the caller chose. Read back its spoken time.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let voice = try await CalendarVoice(desk: desk)
        let request = AppointmentRequest(
            serviceID: try voice.service(try args.string("service_id")).id, providerID: try voice.provider(try args.optionalString("provider_id"))?.id,
            locationID: try voice.location(try args.optionalString("location_id"))?.id, start: try args.dateTime("start", clock: voice.clock),
            holdID: try args.optionalInteger("hold_id"), notes: try args.optionalString("notes"))
        if let holdID = request.holdID, !context.earlierHolds.contains(holdID) {
            let provider = request.providerID.map { " with \(voice.providerName($0))" } ?? ""
            let readBack = "a \(voice.serviceName(request.serviceID).lowercased()) on \(voice.local.slot(request.start))\(provider)"
            throw ToolFailure(
                code: ChangeProposal.code,
                message: "Nothing is booked yet: the time is held. Read this back to the caller and ask them to confirm: "
                    + "\"\(readBack)\". Only after they say yes, call book_appointment again with the same hold_id.",
                details: ["read_back": .string(readBack), "hold_id": .int(Int(holdID))])
        }
        do {
            return voice.appointment(try await voice.attempt { () async throws(FrontDeskError) in
                try await desk.book(request, for: context.actor, now: context.now)
            })
        } catch {
            throw await voice.leadingSomewhere(
                error, serviceID: request.serviceID, providerID: request.providerID, locationID: request.locationID, near: request.start,
                desk: desk, context: context)
        }
    }
}
