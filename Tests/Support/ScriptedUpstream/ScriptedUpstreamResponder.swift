import Foundation
import Hummingbird
import NIOCore

/// Request context that keeps the connection's channel, so a reply can hang or drop it.
struct FakeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    var maxUploadSize: Int { 64 * 1024 * 1024 }
}

/// Thrown to abort a response: the connection is closed without finishing the body.
struct DroppedConnection: Error {}

/// Routes the fake's few endpoints without a router (fewer allocations per request).
struct ScriptedUpstreamResponder: HTTPResponder {
    typealias Context = FakeRequestContext

    let upstream: ScriptedUpstream
    let lifetime: FakeLifetime

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let method = request.method
        switch path {
        case "/v1/chat/completions":
            guard method == .post else { return Self.error(.methodNotAllowed, "Use POST for \(path).") }
            return try await chatCompletion(request, context: context)
        case "/v1/models":
            guard method == .get else { return Self.error(.methodNotAllowed, "Use GET for \(path).") }
            _ = upstream.record(
                RecordedRequest(path: path, authorization: request.headers[.authorization], body: ""),
                takeReply: false
            )
            return Self.json(
                .ok,
                #"{"object":"list","data":[{"id":"scripted-model","object":"model","created":0,"owned_by":"scripted-upstream"}]}"#
            )
        case "/_script":
            guard method == .post else { return Self.error(.methodNotAllowed, "Use POST for \(path).") }
            var request = request
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            struct Script: Decodable { var replies: [ScriptedReply] }
            do {
                let script = try JSONDecoder().decode(Script.self, from: Data(buffer.readableBytesView))
                upstream.enqueue(script.replies)
                return Self.json(.ok, "{\"queued\":\(script.replies.count)}")
            } catch {
                return Self.error(.badRequest, "Bad script: \(error)")
            }
        case "/_reset":
            guard method == .post else { return Self.error(.methodNotAllowed, "Use POST for \(path).") }
            upstream.reset()
            return Self.json(.ok, "{}")
        case "/_config":
            guard method == .post else { return Self.error(.methodNotAllowed, "Use POST for \(path).") }
            var request = request
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            struct Config: Decodable {
                var chunk_delay_ms: Int?
                var record_requests: Bool?
                var repeat_script: Bool?
            }
            guard let config = try? JSONDecoder().decode(Config.self, from: Data(buffer.readableBytesView)) else {
                return Self.error(
                    .badRequest,
                    "Bad config; expected {\"chunk_delay_ms\": N, \"record_requests\": B, \"repeat_script\": B} (each optional).")
            }
            if let ms = config.chunk_delay_ms { upstream.setChunkDelay(.milliseconds(ms)) }
            upstream.configure(recordRequests: config.record_requests, repeatScript: config.repeat_script)
            return Self.json(.ok, "{}")
        case "/_timings":
            guard method == .get else { return Self.error(.methodNotAllowed, "Use GET for \(path).") }
            let timings = upstream.takeTimings()
            var out = "{\"durations_us\":["
            for (i, micros) in timings.enumerated() {
                if i > 0 { out.append(",") }
                out.append(String(micros))
            }
            out.append("]}")
            return Self.json(.ok, out)
        case "/_requests":
            guard method == .get else { return Self.error(.methodNotAllowed, "Use GET for \(path).") }
            var out = "{\"requests\":["
            for (i, recorded) in upstream.recordedRequests.enumerated() {
                if i > 0 { out.append(",") }
                out.append("{\"path\":")
                FakeWire.appendJSONString(recorded.path, to: &out)
                out.append(",\"authorization\":")
                if let authorization = recorded.authorization {
                    FakeWire.appendJSONString(authorization, to: &out)
                } else {
                    out.append("null")
                }
                out.append(",\"body\":")
                FakeWire.appendJSONString(recorded.body, to: &out)
                out.append("}")
            }
            out.append("]}")
            return Self.json(.ok, out)
        default:
            return Self.error(.notFound, "Unknown route \(method.rawValue) \(path) on the scripted fake upstream.")
        }
    }

    // MARK: chat completions

    private func chatCompletion(_ request: Request, context: Context) async throws -> Response {
        // The fake's own time for `/_timings`: from here to the last byte written.
        let received = ContinuousClock.now
        let upstream = self.upstream
        let finished: @Sendable () -> Void = { upstream.recordTiming(ContinuousClock.now - received) }
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let (reply, delay, serial) = upstream.record(
            RecordedRequest(path: request.uri.path, authorization: request.headers[.authorization], body: String(buffer: buffer)),
            takeReply: true
        )
        let incoming: IncomingChatRequest
        do {
            incoming = try JSONDecoder().decode(IncomingChatRequest.self, from: Data(buffer.readableBytesView))
        } catch {
            return Self.error(.badRequest, "We could not parse the JSON body of your request. (\(error))")
        }
        let model = incoming.model ?? "scripted-model"
        let stream = incoming.stream ?? false
        let includeUsage = incoming.stream_options?.include_usage ?? false
        let id = "chatcmpl-fake-\(serial)"
        let created = Int(Date().timeIntervalSince1970)
        let promptTokens = max(1, buffer.readableBytes / 4)

        switch reply {
        case .text(let text):
            return textResponse(
                text, stream: stream, includeUsage: includeUsage, id: id, created: created, model: model,
                promptTokens: promptTokens, delay: delay, dropAfterWords: nil, finished: finished
            )
        case .echo:
            return textResponse(
                "You said: " + incoming.lastUserText, stream: stream, includeUsage: includeUsage, id: id,
                created: created, model: model, promptTokens: promptTokens, delay: delay, dropAfterWords: nil,
                finished: finished
            )
        case .dropMidStream(let text, let afterWords):
            return textResponse(
                text, stream: stream, includeUsage: includeUsage, id: id, created: created, model: model,
                promptTokens: promptTokens, delay: delay, dropAfterWords: max(0, afterWords), channel: context.channel
            )
        case .toolCalls(let calls, let shape):
            let withIDs = calls.enumerated().map { index, call in (call, call.id ?? "call_fake_\(serial)_\(index)") }
            return toolCallResponse(
                withIDs, shape: shape, stream: stream, includeUsage: includeUsage, id: id, created: created,
                model: model, promptTokens: promptTokens, delay: delay, finished: finished
            )
        case .status(let status, let message, let retryAfter):
            var headers: HTTPFields = [.contentType: "application/json"]
            if let retryAfter { headers[.retryAfter] = String(retryAfter) }
            let body = FakeWire.errorBody(status: status, message: message)
            return Response(
                status: .init(code: status),
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        case .raw(let pieces, let stall):
            let channel = context.channel
            let lifetime = self.lifetime
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: .init { writer in
                    for piece in pieces { try await writer.write(ByteBuffer(string: piece)) }
                    if stall {
                        while !lifetime.isStopped && channel.isActive { try? await Task.sleep(for: .milliseconds(20)) }
                        channel.close(promise: nil)
                        throw DroppedConnection()
                    }
                    try await writer.finish(nil)
                    finished()
                }
            )
        case .hang:
            // Never send a byte: wait until the client goes away or the fake stops, then close.
            let channel = context.channel
            while !lifetime.isStopped && channel.isActive {
                try? await Task.sleep(for: .milliseconds(20))
            }
            channel.close(promise: nil)
            throw DroppedConnection()
        }
    }

    private func textResponse(
        _ text: String, stream: Bool, includeUsage: Bool, id: String, created: Int, model: String,
        promptTokens: Int, delay: Duration, dropAfterWords: Int?, channel: (any Channel)? = nil,
        finished: @escaping @Sendable () -> Void = {}
    ) -> Response {
        let words = FakeWire.wordChunks(text)
        let usage = FakeWire.usageJSON(prompt: promptTokens, completion: max(1, words.count))
        guard stream else {
            if dropAfterWords != nil, let channel {
                // Non-streamed drop: promise a body, send part of it, then cut the connection.
                let full = FakeWire.completion(
                    id: id, created: created, model: model, content: text, toolCalls: [],
                    finishReason: "stop", usage: usage
                )
                let part = ByteBuffer(string: String(full.prefix(full.count / 2)))
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/json"],
                    body: .init(contentLength: full.utf8.count) { writer in
                        try await writer.write(part)
                        channel.close(promise: nil)
                        throw DroppedConnection()
                    }
                )
            }
            let body = FakeWire.completion(
                id: id, created: created, model: model, content: text, toolCalls: [], finishReason: "stop", usage: usage
            )
            finished()
            return Self.json(.ok, body)
        }
        let chunks = FakeWire.ChunkWriter(id: id, created: created, model: model)
        var events: [String] = []
        events.reserveCapacity(words.count + 4)
        events.append(chunks.event(delta: #"{"role":"assistant","content":"","refusal":null}"#))
        let wordCount = dropAfterWords.map { min($0, words.count) } ?? words.count
        for word in words.prefix(wordCount) {
            events.append(chunks.contentEvent(word))
        }
        if dropAfterWords == nil {
            events.append(chunks.event(delta: "{}", finishReason: "stop"))
            if includeUsage {
                events.append(chunks.usageEvent(id: id, created: created, model: model, usage: usage))
            }
            events.append("data: [DONE]\n\n")
        }
        return Self.eventStream(events, delay: delay, dropWith: dropAfterWords == nil ? nil : channel, finished: finished)
    }

    private func toolCallResponse(
        _ calls: [(ScriptedToolCall, String)], shape: ToolCallShape, stream: Bool, includeUsage: Bool, id: String,
        created: Int, model: String, promptTokens: Int, delay: Duration, finished: @escaping @Sendable () -> Void
    ) -> Response {
        let usage = FakeWire.usageJSON(prompt: promptTokens, completion: 8 * max(1, calls.count))
        guard stream else {
            let body = FakeWire.completion(
                id: id, created: created, model: model, content: nil, toolCalls: calls, finishReason: "tool_calls",
                usage: usage
            )
            finished()
            return Self.json(.ok, body)
        }
        let chunks = FakeWire.ChunkWriter(id: id, created: created, model: model)
        var events: [String] = [chunks.event(delta: #"{"role":"assistant","content":null,"refusal":null}"#)]
        for delta in FakeWire.toolCallDeltas(calls, shape: shape) {
            events.append(chunks.event(delta: delta))
        }
        events.append(chunks.event(delta: "{}", finishReason: "tool_calls"))
        if includeUsage {
            events.append(chunks.usageEvent(id: id, created: created, model: model, usage: usage))
        }
        events.append("data: [DONE]\n\n")
        return Self.eventStream(events, delay: delay, dropWith: nil, finished: finished)
    }

    // MARK: responses

    /// An SSE response. Without a delay all events go out in one write; with one, each event
    /// is written (and flushed) after the delay. With `dropWith`, the connection is closed
    /// abruptly after the last event: no terminating chunk, so the client sees a truncated body.
    /// `finished` runs once the whole body has been handed to the connection.
    private static func eventStream(
        _ events: [String], delay: Duration, dropWith channel: (any Channel)?,
        finished: @escaping @Sendable () -> Void = {}
    ) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: .init { writer in
                if delay == .zero {
                    var buffer = ByteBuffer()
                    buffer.reserveCapacity(events.reduce(0) { $0 + $1.utf8.count })
                    for event in events { buffer.writeString(event) }
                    try await writer.write(buffer)
                } else {
                    for (i, event) in events.enumerated() {
                        if i > 0 { try await Task.sleep(for: delay) }
                        try await writer.write(ByteBuffer(string: event))
                    }
                }
                if let channel {
                    // Let the written bytes reach the socket, then cut the connection.
                    try? await Task.sleep(for: .milliseconds(5))
                    channel.close(promise: nil)
                    throw DroppedConnection()
                }
                try await writer.finish(nil)
                finished()
            }
        )
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, FakeWire.errorBody(status: status.code, message: message))
    }
}
