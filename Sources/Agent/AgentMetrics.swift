import CoreMetrics
import Metrics

/// The agent's metrics, through swift-metrics: the server chooses the backend (Prometheus in
/// `frontdesk serve`); elsewhere they cost nothing. No label ever carries a caller's number,
/// name or words: tools are known names, outcomes are codes.
enum AgentMetrics {
    /// From asking the upstream to its response head (the first streamed round of a turn).
    static let upstreamFirstByte = Timer(label: "frontdesk_upstream_first_byte_seconds")
    /// Tool rounds a turn took.
    static let toolRounds = Recorder(label: "frontdesk_tool_rounds")

    static func rounds(_ count: Int) { toolRounds.record(count) }

    /// One tool call: which tool, how it came out (ok or the refusal code), how long it took.
    static func tool(_ name: String, outcome: String, took duration: Duration) {
        Timer(label: "frontdesk_tool_duration_seconds", dimensions: [("tool", name), ("outcome", outcome)]).record(duration)
    }
}

extension Timer {
    func record(_ duration: Duration) {
        recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
