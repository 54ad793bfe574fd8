import Logging
import OpenAIWire

/// The upstream LLM as the agent needs it. Owned here so the agent never sees HTTP or curl;
/// `FrontDeskApp` adapts the libcurl client to it, and tests point it at a scripted fake LLM
/// served over real loopback HTTP.
public protocol ChatUpstream: Sendable {
    /// One non-streaming completion. `body` is the request's JSON, serialized. Everything,
    /// retries and body included, ends by `deadline` (the turn's).
    func complete(_ body: [UInt8], credential: String?, deadline: ContinuousClock.Instant, logger: Logger) async throws(AgentError) -> ChatCompletion

    /// Opens a streaming completion; returns once the upstream accepted it (2xx), so a refusal
    /// can still become an HTTP status. Errors while iterating are `.upstreamInterrupted`.
    func stream(_ body: [UInt8], credential: String?, deadline: ContinuousClock.Instant, logger: Logger) async throws(AgentError) -> UpstreamChunks
}

/// The chunks of one upstream stream. Ends after `[DONE]`; a transport that closes before
/// `[DONE]` makes the iterator throw, so a dropped stream is never mistaken for a finished one.
public struct UpstreamChunks: AsyncSequence, Sendable {
    public typealias Element = ChatCompletionChunk
    private let nextChunk: @Sendable () async throws -> ChatCompletionChunk?

    public init(next: @escaping @Sendable () async throws -> ChatCompletionChunk?) {
        self.nextChunk = next
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let nextChunk: @Sendable () async throws -> ChatCompletionChunk?
        public mutating func next() async throws -> ChatCompletionChunk? { try await nextChunk() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(nextChunk: nextChunk) }
}
