import Foundation

/// What the prompt says about the business, already phrased for a voice assistant.
public struct BusinessFacts: Sendable, Hashable {
    public var name: String
    public var timeZone: TimeZone
    public var phone: String?
    public var address: String?
    public var hours: [String]
    public var services: [String]
    public var providers: [String]
    public var locations: [String]
    public var faq: [String]

    public init(
        name: String, timeZone: TimeZone, phone: String? = nil, address: String? = nil, hours: [String] = [],
        services: [String] = [], providers: [String] = [], locations: [String] = [], faq: [String] = []
    ) {
        self.name = name
        self.timeZone = timeZone
        self.phone = phone
        self.address = address
        self.hours = hours
        self.services = services
        self.providers = providers
        self.locations = locations
        self.faq = faq
    }
}

/// Where live context comes from: the calendar in production, the same calendar on a
/// temporary SQLite file in tests.
public protocol BusinessFactsSource: Sendable {
    func businessFacts(now: Date) async throws -> BusinessFacts
    /// One or two sentences about a recognised caller (name, next appointment); nil when unknown.
    func callerSummary(phone: String, now: Date) async throws -> String?
    /// The next few open slots, phrased in local time, so "when can you fit me in?" needs no tool round.
    func openSlotSummary(now: Date, limit: Int) async throws -> [String]
    /// A passage of the business's documents that strongly matches what the caller just said,
    /// as "Title › Heading: text"; nil when none does (most turns).
    func knowledgeHint(for callerWords: String) async throws -> String?
}
