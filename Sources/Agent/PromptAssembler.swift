import Foundation
import Logging
import OpenAIWire
import Synchronization

/// Renders a persona into the system message of one turn: the template filled with live
/// business context (local now, hours, services, providers, locations), the caller and the
/// next open slots.
///
/// Split in two for upstream prompt caches (llama.cpp's, OpenAI's prefix caching): what stays
/// the same for the whole call (the persona, the business, the caller's number) is the system
/// message at the start of the request, byte for byte the same every turn, and the values that
/// change within a call (the time, what is known about the caller, open slots) go in a short
/// live-context message just before the caller's latest words. The template's own places for
/// those values point there. When the caller's latest words strongly match a passage of the
/// business's documents (`KnowledgeMatchRule`), the live context carries it too, so the model
/// can answer without a `search_knowledge` round.
///
/// Business facts change only when an operator imports a profile, but they are read on every
/// turn; they are cached for a short time-to-live so a turn does not query the calendar for them.
public final class PromptAssembler: Sendable {
    /// Every placeholder a persona may use. Anything else is reported by `persona check`.
    public static let knownPlaceholders: [String] = [
        "business_name", "now_local", "today", "timezone", "business_hours", "services", "providers", "locations",
        "business_phone", "business_address", "faq", "caller_number", "caller_context", "open_slots",
    ]

    private let source: any BusinessFactsSource
    private let factsTTL: TimeInterval
    private let cachedFacts = Mutex<(fetched: Date, facts: BusinessFacts)?>(nil)
    /// The caller-independent placeholder values, rendered once per minute and facts TTL:
    /// formatting the hours, the services and the local time on every turn showed up in
    /// profiles of the request path.
    private let cachedBusinessValues = Mutex<(built: Date, minute: Int64, values: [String: String])?>(nil)
    private let openSlotCount: Int

    /// The placeholders whose values change within a call, in the order the live context lists
    /// them, with the label each gets there.
    static let livePlaceholders: [(name: String, label: String)] = [
        ("now_local", "Current local date and time"), ("today", "Today's date"),
        ("caller_context", "About the caller"), ("open_slots", "Next open slots, as a quick guide only"),
    ]
    static let liveReference = "(in the live context just before the caller's latest words)"
    static let liveHeading = "LIVE CONTEXT for this turn, for you only (never read it aloud):"
    static let knowledgeLabel = "Possibly relevant from the practice's documents"
    /// A passage is a few hundred characters (`KnowledgeChunker.targetLength`); this bounds
    /// whatever an older or foreign writer left in the file.
    static let knowledgeHintLimit = 800

    public init(source: any BusinessFactsSource, factsTTL: Duration = .seconds(2), openSlotCount: Int = 4) {
        self.source = source
        let (seconds, attoseconds) = factsTTL.components
        self.factsTTL = Double(seconds) + Double(attoseconds) / 1e18
        self.openSlotCount = openSlotCount
    }

    /// Placeholders used by a template that the renderer does not know.
    public static func unknownPlaceholders(in persona: Persona) -> [String] {
        var seen = Set<String>()
        return (persona.template.placeholders + persona.textTemplate.placeholders).filter { !knownPlaceholders.contains($0) && seen.insert($0).inserted }
    }

    /// The business facts, from cache when fresh. A failing calendar falls back to the last
    /// facts it gave, so a brief database hiccup does not take calls down.
    public func facts(now: Date) async throws(AgentError) -> BusinessFacts {
        if let cached = cachedFacts.withLock({ $0 }), now.timeIntervalSince(cached.fetched) < factsTTL,
            now >= cached.fetched
        {
            return cached.facts
        }
        do {
            let facts = try await source.businessFacts(now: now)
            cachedFacts.withLock { $0 = (now, facts) }
            return facts
        } catch {
            if let stale = cachedFacts.withLock({ $0 }) { return stale.facts }
            throw .contextUnavailable("The business profile could not be read: \(error)")
        }
    }

    /// The next open slots: a hint for the model, which must still check availability before
    /// booking, so they are read only when the business values are rebuilt (see below).
    private func openSlots(now: Date, logger: Logger) async -> [String] {
        do {
            return try await source.openSlotSummary(now: now, limit: openSlotCount)
        } catch {
            logger.error("open slot lookup failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// The values of every known placeholder for this moment and caller.
    public func values(now: Date, callerNumber: String?, logger: Logger) async throws(AgentError) -> [String: String] {
        var values = try await businessValues(now: now, logger: logger)
        let callerContext: String
        if let callerNumber {
            do {
                callerContext =
                    try await source.callerSummary(phone: callerNumber, now: now)
                    ?? "The caller's number (\(callerNumber)) does not match a patient on file. Before discussing or changing any appointment, verify who they are by full name and date of birth."
            } catch {
                logger.error("caller lookup failed", metadata: ["error": "\(error)"])
                callerContext = "The caller could not be looked up right now. Verify who they are by full name and date of birth before discussing or changing any appointment."
            }
        } else {
            callerContext = "The caller's number is unknown. Before discussing or changing any appointment, verify who they are by full name and date of birth."
        }
        values["caller_number"] = callerNumber ?? "unknown"
        values["caller_context"] = callerContext
        return values
    }

    /// Everything but the caller. The local time is shown to the minute, so within one minute
    /// and one facts TTL the values are the same text.
    private func businessValues(now: Date, logger: Logger) async throws(AgentError) -> [String: String] {
        let minute = Int64((now.timeIntervalSince1970 / 60).rounded(.down))
        if let cached = cachedBusinessValues.withLock({ $0 }), cached.minute == minute,
            now.timeIntervalSince(cached.built) < factsTTL, now >= cached.built
        {
            return cached.values
        }
        let facts = try await facts(now: now)
        let local = LocalTime(timeZone: facts.timeZone)
        let openSlots = await openSlots(now: now, logger: logger)
        let values = [
            "business_name": facts.name,
            "now_local": local.long(now),
            "today": local.isoDate(now),
            "timezone": facts.timeZone.identifier,
            "business_hours": Self.lines(facts.hours, empty: "Hours are not on file; offer to check with the team."),
            "services": Self.lines(facts.services, empty: "No services are on file."),
            "providers": Self.lines(facts.providers, empty: "No providers are on file."),
            "locations": Self.lines(facts.locations, empty: "No locations are on file."),
            "business_phone": facts.phone ?? "not on file",
            "business_address": facts.address ?? "not on file",
            "faq": Self.lines(facts.faq, empty: "No frequently asked questions are on file."),
            "open_slots": Self.lines(openSlots, empty: "No open slots were found in the coming days; use the tools to search further ahead."),
        ]
        cachedBusinessValues.withLock { $0 = (now, minute, values) }
        return values
    }

    /// A turn's prompt: the system message that stays the same for the whole call, the live
    /// context (nil when the persona uses none of the live values and nothing matched), and the
    /// live context's line about the caller (their next appointment backs what an answer says of it).
    /// - Parameters:
    ///   - callerWords: the caller's latest message, to look up in the business's documents
    ///     (not when the persona turned `search_knowledge` off).
    ///   - channel: `sms` renders the persona's text variant.
    public func renderParts(
        _ persona: Persona, now: Date, callerNumber: String?, callerWords: String? = nil, channel: String = "voice", logger: Logger
    ) async throws(AgentError) -> (stable: String, live: String?, callerLine: String?) {
        let template = channel == "sms" ? persona.textTemplate : persona.template
        // Looked up while the other values are read: both wait on the store's readers, and a
        // caller should wait for the slower of the two, not their sum.
        async let hint = knowledgeHint(for: callerWords, persona: persona, logger: logger)
        var values = try await values(now: now, callerNumber: callerNumber, logger: logger)
        let used = Set(template.placeholders)
        var live: [String] = []
        var callerLine: String?
        for (name, label) in Self.livePlaceholders where used.contains(name) {
            let value = values[name] ?? ""
            // memchr on the bytes, not Foundation's `contains`: that bridges the whole value to
            // UTF-16 first (the open slots and the caller's summary are kilobytes every turn).
            let multiline = value.utf8.withContiguousStorageIfAvailable { $0.isEmpty ? false : memchr($0.baseAddress!, 0x0A, $0.count) != nil }
                ?? value.utf8.contains(0x0A)
            live.append(multiline ? "\(label):\n\(value)" : "\(label): \(value)")
            if name == "caller_context" { callerLine = multiline ? "\(label):" : live.last }
            values[name] = Self.liveReference
        }
        if let hint = await hint { live.append("\(Self.knowledgeLabel): \(hint)") }
        return (template.render(values), live.isEmpty ? nil : ([Self.liveHeading] + live).joined(separator: "\n"), callerLine)
    }

    /// The whole prompt of a turn as one text (`frontdesk persona render`, tests): the system
    /// message, then the live context.
    public func render(
        _ persona: Persona, now: Date, callerNumber: String?, callerWords: String? = nil, channel: String = "voice", logger: Logger
    ) async throws(AgentError) -> String {
        let parts = try await renderParts(persona, now: now, callerNumber: callerNumber, callerWords: callerWords, channel: channel,
                                          logger: logger)
        return [parts.stable, parts.live].compactMap { $0 }.joined(separator: "\n\n")
    }

    /// The strong knowledge match for the caller's words, one bounded line; nil when there is
    /// none, the persona turned the documents off, or the lookup failed (a turn never fails
    /// for a hint).
    private func knowledgeHint(for callerWords: String?, persona: Persona, logger: Logger) async -> String? {
        guard let callerWords, !persona.disabledTools.contains(SearchKnowledgeTool.name) else { return nil }
        do {
            return try await source.knowledgeHint(for: callerWords).map { $0.bounded(Self.knowledgeHintLimit, singleLine: true) }
        } catch {
            logger.error("knowledge lookup failed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private static func lines(_ items: [String], empty: String) -> String {
        items.isEmpty ? empty : items.map { "- \($0)" }.joined(separator: "\n")
    }
}
