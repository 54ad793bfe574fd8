import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `get_providers`: who works here, what they do and where — optionally only those who
/// offer one service.
public struct GetProvidersTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties: [ToolSchema.Property] = [
        ("service_id", ToolSchema.nullableString("Only providers who offer this service, or null for all.")),
    ]

    public let definition = ToolDefinition(
        name: "get_providers", description: "List the practice's dentists and hygienists.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let voice = try await CalendarVoice(desk: desk)
        let service = try args.optionalString("service_id").map { id throws(ToolFailure) in try voice.service(id) }
        let providers = voice.profile.providers.filter { service?.providers.contains($0.id) ?? true }
        return [
            "providers": .array(providers.map { provider in
                [
                    "id": .string(provider.id), "name": .string(provider.name), "title": provider.title.map { .string($0) } ?? .null,
                    "specialties": .array(provider.specialties.map { .string($0) }),
                    "locations": .array(provider.locations.map { .string(voice.locationName($0)) }),
                ]
            }),
        ]
    }
}
