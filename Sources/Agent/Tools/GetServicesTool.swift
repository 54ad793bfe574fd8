import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `get_services`: what can be booked, how long it takes, and its id for the other tools.
public struct GetServicesTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    public let definition = ToolDefinition(
        name: "get_services", description: "List the services that can be booked, with their ids and durations.",
        parameters: ToolSchema.object([]))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        _ = try ToolArguments(arguments, allowed: [])
        let voice = try await CalendarVoice(desk: desk)
        return [
            "services": .array(voice.profile.services.map { service in
                [
                    "id": .string(service.id), "name": .string(service.name), "duration_minutes": .int(service.durationMinutes),
                    "description": service.description.map { .string($0) } ?? .null,
                ]
            }),
        ]
    }
}
