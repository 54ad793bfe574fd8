import CoreMetrics
import Metrics
import OpenAIWire
import Reception

/// The agent's metrics, through swift-metrics: the server chooses the backend (Prometheus in
/// `frontdesk serve`); elsewhere they cost nothing. No label ever carries a caller's number,
/// name or words: tools are known names, outcomes are codes.
enum AgentMetrics {
    private static let firstByte = Timer(label: "frontdesk_upstream_first_byte_seconds")
    private static let firstToken = Timer(label: "frontdesk_upstream_first_token_seconds")

    /// From asking the upstream to its response head (the first streamed round of a turn).
    static func upstreamFirstByte(_ duration: Duration) { firstByte.record(duration) }

    /// From asking the upstream to its first content or tool-call fragment (streamed turns).
    static func upstreamFirstToken(_ duration: Duration) { firstToken.record(duration) }
    /// Tool rounds a turn took.
    static let toolRounds = Recorder(label: "frontdesk_tool_rounds")

    static func rounds(_ count: Int) { toolRounds.record(count) }

    /// FrontDesk's own share of a turn less the waits for the upstream and the tools: the whole
    /// turn on the JSON path (`json`), up to the first words the caller hears when streamed (`sse`).
    static func overhead(_ duration: Duration, streamed: Bool) {
        (streamed ? overheadSSE : overheadJSON).record(duration)
    }

    // Made once, not looked up in the registry on every turn.
    private static let overheadJSON = Timer(label: "frontdesk_overhead_seconds", dimensions: [("path", "json")])
    private static let overheadSSE = Timer(label: "frontdesk_overhead_seconds", dimensions: [("path", "sse")])

    /// Tokens the upstream reported, by model (the operator's configured model names).
    static func tokens(_ usage: Usage, model: String) {
        Counter(label: "frontdesk_tokens_total", dimensions: [("direction", "in"), ("model", String(model.prefix(64)))]).increment(by: usage.promptTokens)
        Counter(label: "frontdesk_tokens_total", dimensions: [("direction", "out"), ("model", String(model.prefix(64)))]).increment(by: usage.completionTokens)
    }

    /// One tool call: which tool, how it came out (ok or the refusal code), how long it took.
    static func tool(_ name: String, outcome: String, took duration: Duration) {
        Timer(label: "frontdesk_tool_duration_seconds", dimensions: [("tool", name), ("outcome", outcome)]).record(duration)
    }

    /// One thing the speech guard withheld or changed, by kind (never the words).
    static func intervention(_ kind: SpeechIntervention.Kind) {
        Counter(label: "frontdesk_speech_interventions_total", dimensions: [("kind", kind.rawValue)]).increment()
    }

    /// How long the caller's first words waited in the speech guard for their clause to end,
    /// from the model's first words to FrontDesk saying them (streamed turns that began in words).
    static func speechHold(_ duration: Duration) { hold.record(duration) }
    private static let hold = Timer(label: "frontdesk_speech_hold_seconds")
}
