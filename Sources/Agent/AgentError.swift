import OpenAIWire

/// Everything that can stop a turn, in the agent's own terms. The HTTP edge maps each case
/// to a status and OpenAI's error JSON exactly once (`AgentError+HTTP` in FrontDeskApp).
/// A tool's failure is not here: it goes back to the model as the tool's result.
public enum AgentError: Error, Sendable, Equatable {
    /// An explicitly requested persona that does not exist (or a name that tries to leave the directory).
    case unknownPersona(name: String, known: [String])
    /// No upstream credentials or address configured: says which variables to set.
    case upstreamNotConfigured
    /// The upstream refused the request (4xx): its status and message are kept.
    case upstreamRejected(status: Int, error: OpenAIErrorBody)
    /// The upstream failed or could not be reached before answering (5xx, refused, reset).
    case upstreamUnavailable(String)
    /// The upstream did not answer in time.
    case upstreamTimeout(String)
    /// The upstream failed after the answer had started: only an SSE error event can report it.
    case upstreamInterrupted(String)
    /// The calendar could not provide the live context the persona needs.
    case contextUnavailable(String)
}

