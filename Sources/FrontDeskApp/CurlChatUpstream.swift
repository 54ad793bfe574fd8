import Agent
import Logging
import OpenAIWire
import Upstream

/// Adapts the byte-level libcurl client to the agent's `ChatUpstream`: JSON in, chat
/// completions or SSE chunks out, and `UpstreamError` mapped to `AgentError` in one place.
struct CurlChatUpstream: ChatUpstream {
    let client: CurlUpstreamClient
    let apiKey: String?
    /// Secrets that must never reach a client in an upstream's error message.
    let secrets: [String]
    static let maxJSONBytes = 16 * 1024 * 1024

    func complete(_ body: [UInt8], credential: String?, deadline: ContinuousClock.Instant, logger: Logger) async throws(AgentError) -> ChatCompletion {
        let response = try await send(body, credential: credential, stream: false, deadline: deadline, logger: logger)
        let bytes: [UInt8]
        do {
            bytes = try await response.body.collect(upTo: Self.maxJSONBytes)
        } catch {
            throw map(error, credential: credential)
        }
        do {
            return try ChatCompletion(json: try JSONValue(parsing: bytes))
        } catch {
            throw .upstreamUnavailable("The upstream answered with something that is not a chat completion.")
        }
    }

    func stream(_ body: [UInt8], credential: String?, deadline: ContinuousClock.Instant, logger: Logger) async throws(AgentError) -> UpstreamChunks {
        let response = try await send(body, credential: credential, stream: true, deadline: deadline, logger: logger)
        let reader = SSEChunkReader(body: response.body, redact: { [secrets] in Redaction.secrets(in: $0, secrets: secrets + [credential].compactMap { $0 }) })
        return UpstreamChunks { try await reader.next() }
    }

    private func send(
        _ body: [UInt8], credential: String?, stream: Bool, deadline: ContinuousClock.Instant, logger: Logger
    ) async throws(AgentError) -> UpstreamHTTPResponse {
        let request = UpstreamHTTPRequest(
            path: "/chat/completions", method: "POST", body: body, bearerToken: credential ?? apiKey,
            headers: [("Content-Type", "application/json"), ("Accept", stream ? "text/event-stream" : "application/json")],
            deadline: deadline)
        do {
            return try await client.send(request, logger: logger)
        } catch {
            throw map(error, credential: credential)
        }
    }

    private func map(_ error: any Error, credential: String?) -> AgentError {
        let secrets = self.secrets + [credential].compactMap { $0 }
        guard let error = error as? UpstreamError else {
            if error is CancellationError { return .upstreamInterrupted("The request was cancelled.") }
            return .upstreamUnavailable("The upstream request failed.")
        }
        switch error {
        case .http(let status, let body):
            let parsed = (try? JSONValue(parsing: body)).flatMap(OpenAIErrorBody.init(json:))
            let message = Redaction.secrets(
                in: parsed?.message ?? String(decoding: body.prefix(500), as: UTF8.self), secrets: secrets)
            if (400..<500).contains(status), status != 429 {
                var kept = parsed ?? OpenAIErrorBody(message: message, type: "invalid_request_error")
                kept.message = message
                return .upstreamRejected(status: status, error: kept)
            }
            return .upstreamUnavailable("The upstream LLM failed (HTTP \(status)): \(message)")
        case .timeout(let phase):
            return .upstreamTimeout("The upstream LLM did not answer in time (\(phase) timeout).")
        case .unreachable(let description):
            return .upstreamUnavailable("The upstream LLM could not be reached: \(Redaction.secrets(in: description, secrets: secrets))")
        case .aborted(let description):
            return .upstreamInterrupted("The upstream LLM stream broke off: \(Redaction.secrets(in: description, secrets: secrets))")
        }
    }
}

/// Turns an SSE byte stream into chunks, one `next()` at a time.
///
/// `@unchecked Sendable`: `UpstreamChunks` calls `next()` from its single consuming task,
/// never concurrently, so the mutable decoding state needs no lock.
final class SSEChunkReader: @unchecked Sendable {
    private var iterator: UpstreamBody.AsyncIterator
    private var decoder = ServerSentEventDecoder()
    private var pending: [String] = []
    private var pendingIndex = 0
    private var finished = false
    private var sawFinishReason = false
    private let redact: @Sendable (String) -> String

    init(body: UpstreamBody, redact: @escaping @Sendable (String) -> String) {
        self.iterator = body.makeAsyncIterator()
        self.redact = redact
    }

    func next() async throws -> ChatCompletionChunk? {
        while !finished {
            if pendingIndex < pending.count {
                let data = pending[pendingIndex]
                pendingIndex += 1
                if data == "[DONE]" {
                    finished = true
                    return nil
                }
                // The usual chunk is read without building a JSON tree; anything else (an
                // error, an odd shape) takes the full reading.
                let chunk = try ChatCompletionChunk(streamed: data) ?? fullReading(of: data)
                if chunk.finishReason != nil { sawFinishReason = true }
                return chunk
            }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            let bytes: UpstreamBody.Element?
            do {
                bytes = try await iterator.next()
            } catch let error as UpstreamError {
                if case .timeout = error { throw AgentError.upstreamTimeout("The upstream LLM stopped sending in time.") }
                throw AgentError.upstreamInterrupted("The upstream LLM stream broke off.")
            }
            if let bytes {
                pending = decoder.feed(bytes)
                if decoder.isOverflowed {
                    finished = true
                    throw AgentError.upstreamInterrupted("The upstream sent an event longer than the limit; the stream was abandoned.")
                }
            } else {
                pending = decoder.finish()
                if pending.isEmpty {
                    finished = true
                    // Some servers close without [DONE]; after a finish_reason that is still a complete answer.
                    if sawFinishReason { return nil }
                    throw AgentError.upstreamInterrupted("The upstream LLM stream ended before it finished.")
                }
            }
        }
        return nil
    }

    /// An event as JSON: a chunk, or the error the upstream reported mid-stream.
    private func fullReading(of data: String) throws -> ChatCompletionChunk {
        guard let json = try? JSONValue(parsing: data) else {
            throw AgentError.upstreamInterrupted("The upstream sent an event that is not JSON.")
        }
        if let error = OpenAIErrorBody(json: json) {
            throw AgentError.upstreamInterrupted("The upstream LLM reported an error mid-stream: \(redact(error.message))")
        }
        return try ChatCompletionChunk(json: json)
    }
}

/// The upstream when none is configured: every turn answers 503 naming the variables to set,
/// while `/health`, `/v1/models` and the calendar keep working.
struct UnconfiguredUpstream: ChatUpstream {
    func complete(_ body: [UInt8], credential: String?, deadline: ContinuousClock.Instant, logger: Logger) async throws(AgentError) -> ChatCompletion {
        throw .upstreamNotConfigured
    }

    func stream(_ body: [UInt8], credential: String?, deadline: ContinuousClock.Instant, logger: Logger) async throws(AgentError) -> UpstreamChunks {
        throw .upstreamNotConfigured
    }
}
