import Foundation
import OpenAIWire
import Reception
import Scheduling

/// `get_business_info`: name, phone, address, opening hours (with closures in the coming
/// month) and the FAQ answers the practice wrote, so the model quotes rather than invents.
public struct GetBusinessInfoTool: AgentTool {
    let desk: FrontDesk

    public init(desk: FrontDesk) { self.desk = desk }

    public let definition = ToolDefinition(
        name: "get_business_info",
        description: "Address, phone, hours, closures and answers to common questions.",
        parameters: ToolSchema.object([]))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        _ = try ToolArguments(arguments, allowed: [])
        let profile = try await ToolFailure.attempt(voice: nil) { () async throws(FrontDeskError) in try await desk.profile() }
        guard let facts = try? CalendarFacts.businessFacts(profile, now: context.now) else { throw ToolFailure.calendarUnavailable }
        return [
            "name": .string(facts.name), "phone": facts.phone.map { .string($0) } ?? .null,
            "address": facts.address.map { .string($0) } ?? .null,
            "time_zone": .string(facts.timeZone.identifier),
            "hours": .array(facts.hours.map { .string($0) }),
            "faq": .array(profile.business.faq.map { ["question": .string($0.question), "answer": .string($0.answer)] }),
        ]
    }
}
