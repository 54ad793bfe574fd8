import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `get_locations`: the offices, their addresses, phones and opening hours in words.
public struct GetLocationsTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    public let definition = ToolDefinition(
        name: "get_locations", description: "List the practice's offices with address, phone and opening hours.",
        parameters: ToolSchema.object([]))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        _ = try ToolArguments(arguments, allowed: [])
        let voice = try await CalendarVoice(desk: desk)
        return [
            "locations": .array(voice.profile.locations.map { location in
                [
                    "id": .string(location.id), "name": .string(location.name),
                    "address": location.address.map { .string($0) } ?? .null,
                    "phone": location.phone.map { .string($0) } ?? .null,
                    "hours": .string(CalendarFacts.describe(location.hours)),
                ]
            }),
        ]
    }
}
