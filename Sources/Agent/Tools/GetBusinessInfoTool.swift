import Foundation
import OpenAIWire
import SQLiteStore
import Scheduling

/// `get_business_info`: name, phone, address, opening hours (with closures in the coming
/// month) and the FAQ answers the practice wrote, so the model quotes rather than invents.
public struct GetBusinessInfoTool: AgentTool {
    let book: AppointmentBook

    public init(book: AppointmentBook) { self.book = book }

    public let definition = ToolDefinition(
        name: "get_business_info",
        description: "The practice's address, phone, opening hours, upcoming closures and answers to common questions (parking, insurance, cancellation policy, what to bring).",
        parameters: ToolSchema.object([]))

    public func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue {
        _ = try ToolArguments(arguments, allowed: [])
        let facts = try ToolFailure.attempt(voice: nil) { try CalendarFacts(book: book).businessFacts(now: context.now) }
        let profile = try ToolFailure.attempt(voice: nil) { try book.profile() }
        return [
            "name": .string(facts.name), "phone": facts.phone.map { .string($0) } ?? .null,
            "address": facts.address.map { .string($0) } ?? .null,
            "time_zone": .string(facts.timeZone.identifier),
            "hours": .array(facts.hours.map { .string($0) }),
            "faq": .array(profile.business.faq.map { ["question": .string($0.question), "answer": .string($0.answer)] }),
        ]
    }
}
