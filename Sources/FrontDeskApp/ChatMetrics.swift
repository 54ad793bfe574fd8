import Agent
import CoreMetrics
import Metrics

/// The metrics of one chat completion request: how it ended (by persona, and by business when
/// the operator allows that label), open streams, and upstream failures by kind. Labels are
/// persona names, business ids and fixed words; never a caller's number, name or words.
struct ChatMetrics: Sendable {
    let dimensions: [(String, String)]

    private static let activeStreams = Meter(label: "frontdesk_active_streams")

    init(persona: String, business: String?, stream: Bool) {
        var dimensions = [("persona", String(persona.prefix(64))), ("stream", stream ? "true" : "false")]
        if let business { dimensions.append(("business", business)) }
        self.dimensions = dimensions
    }

    func succeeded() {
        Counter(label: "frontdesk_requests_total", dimensions: dimensions + [("status", "ok")]).increment()
    }

    func failed(_ error: AgentError) {
        // A persona that does not exist is a name the client made up: never a label of its own.
        var dimensions = self.dimensions
        if case .unknownPersona = error { dimensions[0] = ("persona", "unknown") }
        Counter(label: "frontdesk_requests_total", dimensions: dimensions + [("status", "error")]).increment()
        let kind: String? = switch error {
        case .upstreamTimeout: "timeout"
        case .upstreamUnavailable: "unreachable"
        case .upstreamInterrupted: "mid_stream"
        case .upstreamRejected(let status, _): status >= 500 ? "5xx" : "4xx"
        case .unknownPersona, .upstreamNotConfigured, .contextUnavailable: nil
        }
        if let kind { Counter(label: "frontdesk_upstream_errors_total", dimensions: [("class", kind)]).increment() }
    }

    func streamStarted() { Self.activeStreams.increment() }

    func streamClosed() { Self.activeStreams.decrement() }
}
