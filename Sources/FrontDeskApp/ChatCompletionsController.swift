import Agent
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OpenAIWire
import Reception

/// `POST /v1/chat/completions`: HTTP in, the request resolved to one business, a `ChatTurn` to
/// that business's agent, JSON or SSE out. Nothing past this type knows about HTTP.
struct ChatCompletionsController: Sendable {
    let businesses: Businesses
    let maxBodyBytes: Int
    let forwardClientKey: Bool
    /// Label metrics with the business id (off unless METRICS_BUSINESS_LABEL is set).
    var metricsBusinessLabel = false

    static let personaHeader = HTTPField.Name("X-FrontDesk-Persona")!
    static let callerHeader = HTTPField.Name("X-FrontDesk-Caller")!
    static let businessHeader = HTTPField.Name("X-FrontDesk-Business")!

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.post("chat/completions", use: create)
    }

    @Sendable func create(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let turn = try await decodeTurn(request, context: context)
        let personaParam = turn.personaParam
        let agent = turn.agent
        let metrics = ChatMetrics(persona: turn.turn.personaName ?? "default", business: metricsBusinessLabel ? turn.business : nil,
                                  stream: turn.turn.request.stream)
        if turn.turn.request.stream {
            let stream: AgentStream
            do {
                stream = try await agent.stream(turn.turn, logger: context.logger)
            } catch {
                metrics.failed(error)
                throw OpenAIHTTPError(error, personaParam: personaParam)
            }
            metrics.streamStarted()
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"],
                body: ResponseBody { writer in
                    // However the stream ends (done, failed, the client gone), it is no longer open.
                    defer { metrics.streamClosed() }
                    do {
                        try await stream.run { chunk in
                            try await writer.write(ByteBuffer(bytes: chunk.serverSentEvent))
                        }
                        metrics.succeeded()
                    } catch let error as AgentError {
                        metrics.failed(error)
                        // The 200 has gone out: the failure is reported inside the stream, and
                        // [DONE] still ends it so no client mistakes it for a silent success.
                        context.logger.warning("stream failed", metadata: ["error": "\(error)"])
                        let body = OpenAIHTTPError(error, personaParam: personaParam).body
                        try await writer.write(ByteBuffer(bytes: ServerSentEvent.data(body.json)))
                    }
                    try await writer.write(ByteBuffer(bytes: ServerSentEvent.done))
                    try await writer.finish(nil)
                })
        }
        let completion: ChatCompletion
        do {
            completion = try await agent.complete(turn.turn, logger: context.logger)
        } catch {
            metrics.failed(error)
            throw OpenAIHTTPError(error, personaParam: personaParam)
        }
        metrics.succeeded()
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: completion.json.serialized())))
    }

    /// Reads and validates the body, and decides persona and caller.
    private func decodeTurn(
        _ request: Request, context: FrontDeskRequestContext
    ) async throws -> (turn: ChatTurn, personaParam: String?, agent: ChatAgent, business: String) {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw OpenAIHTTPError(
                status: .contentTooLarge,
                message: "The request body is larger than the limit of \(maxBodyBytes) bytes (MAX_BODY_BYTES).",
                type: "invalid_request_error", code: "request_too_large")
        }
        let parsed: ChatCompletionRequest
        do {
            parsed = try ChatCompletionRequest(body: body.readableBytesView)
        } catch {
            throw OpenAIHTTPError(error)
        }

        // Selection order: header → query → model id → configured default.
        var persona: String?
        var personaParam: String?
        if let header = request.headers[Self.personaHeader], !header.isEmpty {
            persona = header
        } else if let query = request.uri.queryParameters.get("persona"), !query.isEmpty {
            persona = query
            personaParam = "persona"
        } else if let model = parsed.model, model.hasPrefix("frontdesk/") {
            persona = String(model.dropFirst("frontdesk/".count))
            personaParam = "model"
        }

        let telephony = TelephonyContext(
            telephony: parsed.telephony,
            trustedCallerHeader: context.isAuthenticated ? request.headers[Self.callerHeader] : nil)
        let (runtime, resolution) = try await resolveBusiness(request, context: context, telephony: telephony)
        // After the explicit choices (header, query, model id), the number called may pick the persona.
        let turn = ChatTurn(
            request: parsed, personaName: persona ?? resolution.numberPersona, callerNumber: telephony.callerNumber,
            callID: telephony.callID, upstreamCredential: forwardClientKey ? context.clientBearer : nil, requestID: context.requestID,
            businessRule: resolution.rule.rawValue, calledNumber: telephony.telnyxCalledNumber ?? telephony.vapiCalledNumber,
            channel: telephony.channel, reminderID: telephony.reminderID)
        context.logger.debug(
            "turn", metadata: ["business": "\(runtime.id)", "business_rule": "\(resolution.rule.rawValue)",
                               "persona": "\(turn.personaName ?? "default")", "caller": "\(Redaction.phone(telephony.callerNumber))",
                               "stream": "\(parsed.stream)"])
        return (turn, personaParam, runtime.agent, runtime.id)
    }

    /// Exactly one business, or a clear 4xx: never a guess.
    private func resolveBusiness(
        _ request: Request, context: FrontDeskRequestContext, telephony: TelephonyContext
    ) async throws -> (BusinessRuntime, BusinessResolver.Resolution) {
        let header = request.headers[Self.businessHeader].flatMap { $0.isEmpty ? nil : $0 }
        let signals = BusinessResolver.Signals(
            keyBusiness: context.keyBusiness, authenticated: context.isAuthenticated, telnyxCalledNumber: telephony.telnyxCalledNumber,
            vapiCalledNumber: telephony.vapiCalledNumber, header: header)
        return try await businesses.resolveRequest(signals, logger: context.logger)
    }
}
