import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `hold_slot`: keeps a time for this call for a few minutes while the caller decides, so
/// nobody else takes it. Acts only for the verified caller.
public struct HoldSlotTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties = ToolSchema.slot

    public let definition = ToolDefinition(
        name: "hold_slot",
        description: "Hold a slot a few minutes while the caller decides; then book it with the hold_id.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let voice = try await CalendarVoice(desk: desk)
        let service = try voice.service(try args.string("service_id"))
        let start = try args.dateTime("start", clock: voice.clock)
        let provider = try voice.provider(try args.optionalString("provider_id"))
        let location = try voice.location(try args.optionalString("location_id"))
        let hold = try await voice.attempt { () async throws(FrontDeskError) in
            try await desk.hold(serviceID: service.id, providerID: provider?.id, locationID: location?.id, start: start,
                                for: context.actor, now: context.now)
        }
        var answer = voice.slot(hold.slot).objectValue ?? [:]
        answer["hold_id"] = .int(Int(hold.id))
        answer["service"] = .string(service.name)
        answer["held_until"] = .string(voice.local.clock(hold.expiresAt))
        return .object(answer)
    }
}
