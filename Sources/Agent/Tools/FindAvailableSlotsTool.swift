import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `find_available_slots`: open times for a service, optionally with one provider, at one
/// location, between two dates and at a time of day ("morning", "after 3pm"). Read-only; needs
/// no caller identity, but a known caller's preferred provider is offered first.
public struct FindAvailableSlotsTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    static let properties: [ToolSchema.Property] = [
        ("service_id", ToolSchema.string("e.g. \"cleaning\".")),
        ("provider_id", ToolSchema.nullableString("Only this provider, or null for anyone.")),
        ("location_id", ToolSchema.nullableString("Only this location, or null.")),
        ("from_date", ToolSchema.nullableString("YYYY-MM-DD, or null for today.")),
        ("to_date", ToolSchema.nullableString("YYYY-MM-DD (inclusive), or null for two weeks on.")),
        ("time_of_day", ToolSchema.nullableString("e.g. \"morning\", \"after 3pm\", or null.")),
        ("limit", ToolSchema.nullableInteger("1–10, or null for 5.")),
    ]

    public let definition = ToolDefinition(
        name: "find_available_slots",
        description: "Open appointment times. Offer two or three by their spoken form.",
        parameters: ToolSchema.object(properties))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        let args = try ToolArguments(arguments, allowed: ToolSchema.fields(Self.properties))
        let voice = try await CalendarVoice(desk: desk)
        let service = try voice.service(try args.string("service_id"))
        let provider = try voice.provider(try args.optionalString("provider_id"))
        let location = try voice.location(try args.optionalString("location_id"))
        let from = try args.optionalDate("from_date")
        let to = try args.optionalDate("to_date")
        if let from, let to, to < from {
            throw ToolFailure.invalidArguments(field: "to_date", "'to_date' must not be before 'from_date'.")
        }
        var timeOfDay = TimeOfDayFilter.any
        if let phrase = try args.optionalString("time_of_day") {
            guard let parsed = TimeOfDayFilter(phrase: phrase) else {
                throw ToolFailure.invalidArguments(
                    field: "time_of_day", "Could not understand time_of_day '\(phrase)'. Use e.g. \"morning\", \"afternoon\", \"after 3pm\", \"before 11am\".")
            }
            timeOfDay = parsed
        }
        let limit = try args.optionalInteger("limit") ?? 5
        guard (1...10).contains(limit) else {
            throw ToolFailure.invalidArguments(field: "limit", "'limit' must be between 1 and 10.")
        }
        if let provider, !service.providers.contains(provider.id) {
            throw ToolFailure.invalidArguments(
                field: "provider_id", "\(provider.name) does not offer \(service.name). Who does: \(service.providers.map(voice.providerName).joined(separator: ", ")).")
        }

        let query = AvailabilityQuery(
            serviceID: service.id, providerID: provider?.id, locationID: location?.id, from: from, to: to, timeOfDay: timeOfDay,
            limit: Int(limit), perDayLimit: 3, conversationID: context.conversationID)
        let search = try await voice.attempt { () async throws(FrontDeskError) in
            try await desk.findSlots(query, for: context.actor, now: context.now)
        }
        let result = search.result
        var answer: [String: JSONValue] = [
            "service_id": .string(service.id), "service": .string(service.name),
            "duration_minutes": .int(service.durationMinutes),
            "slots": .array(result.slots.map(voice.slot)),
        ]
        if let preferred = search.preferredProviderID {
            answer["preferred_provider"] = .string(voice.providerName(preferred))
        }
        if result.slots.isEmpty {
            answer["next_available_date"] = result.nextAvailableDate.map { .string($0) } ?? .null
        }
        return .object(answer)
    }
}
