import Agent
import HTTPTypes
import Logging
import Hummingbird
import NIOCore
import OpenAIWire
import Reception

/// The one place an error becomes HTTP: a status plus OpenAI's error JSON. Every failure a
/// client can see, from a malformed body to an upstream timeout, is rendered from this.
public struct OpenAIHTTPError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let body: OpenAIErrorBody
    public var headers: HTTPFields = [:]

    public init(status: HTTPResponse.Status, message: String, type: String, param: String? = nil, code: String? = nil) {
        self.status = status
        self.body = OpenAIErrorBody(message: message, type: type, param: param, code: code)
    }

    public init(status: HTTPResponse.Status, body: OpenAIErrorBody) {
        self.status = status
        self.body = body
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.json.serialized())))
    }

    static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> OpenAIHTTPError {
        OpenAIHTTPError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }
}

extension OpenAIHTTPError {
    init(_ error: RequestValidationError) {
        self = .invalidRequest(error.message, param: error.param)
    }

    /// Maps the agent's errors. Upstream 4xx keep their status and message; upstream failures
    /// become 502, timeouts 504; a missing upstream configuration is 503 and says what to set.
    init(_ error: AgentError, personaParam: String?) {
        switch error {
        case .unknownPersona(let name, let known):
            self = .invalidRequest(
                "Unknown persona '\(name.bounded(64, singleLine: true))'. Known personas: \(known.joined(separator: ", ")).", param: personaParam,
                code: "persona_not_found")
        case .upstreamNotConfigured:
            self.init(
                status: .serviceUnavailable,
                message: "No upstream LLM is configured. Set UPSTREAM_API_KEY (or OPENAI_API_KEY) for OpenAI, or UPSTREAM_BASE_URL for a self-hosted OpenAI-compatible server, or UPSTREAM_FORWARD_CLIENT_KEY=true to use the caller's bearer token upstream.",
                type: "server_error", code: "upstream_not_configured")
        case .upstreamRejected(let status, let body):
            self.init(status: HTTPResponse.Status(code: status), body: body)
        case .upstreamUnavailable(let message):
            self.init(status: .badGateway, message: message, type: "server_error", code: "upstream_unavailable")
        case .upstreamTimeout(let message):
            self.init(status: .gatewayTimeout, message: message, type: "server_error", code: "upstream_timeout")
        case .upstreamInterrupted(let message):
            self.init(status: .badGateway, message: message, type: "server_error", code: "upstream_interrupted")
        case .contextUnavailable(let message):
            self.init(status: .serviceUnavailable, message: message, type: "server_error", code: "calendar_unavailable")
        }
    }
}

extension OpenAIHTTPError {
    /// A request that resolves to no single business.
    init(_ refusal: BusinessResolver.Refusal) {
        switch refusal {
        case .conflict(let message):
            self.init(status: .forbidden, message: message + " Nothing was done.", type: "invalid_request_error", code: "business_mismatch")
        case .unknown(let message):
            self.init(status: .notFound, message: message, type: "invalid_request_error", code: "unknown_business")
        case .unspecified(let businesses):
            self.init(
                status: .badRequest,
                message: "This server answers for \(businesses.count) businesses and the request names none. Call one of a business's numbers (telnyx_agent_target, phoneNumber.number), use its API key, or send X-FrontDesk-Business with a server key.",
                type: "invalid_request_error", code: "business_required")
        case .headerNeedsAuthentication:
            self.init(
                status: .unauthorized, message: "X-FrontDesk-Business is honoured only on a request authenticated with a server API key.",
                type: "invalid_request_error", code: "invalid_api_key")
        }
    }
}

extension Businesses {
    /// Resolves a request to its business, or the HTTP refusal: 403 / 404 / 400 / 401 from the
    /// resolver, 503 when the business's calendar cannot be opened. Both the voice path and the
    /// staff API resolve through here.
    func resolveRequest(
        _ signals: BusinessResolver.Signals, logger: Logger
    ) async throws -> (runtime: BusinessRuntime, resolution: BusinessResolver.Resolution) {
        do {
            return try await resolve(signals)
        } catch let refusal as BusinessResolver.Refusal {
            throw OpenAIHTTPError(refusal)
        } catch {
            logger.error("could not open the business's calendar", metadata: ["error": "\(error)"])
            throw OpenAIHTTPError(
                status: .serviceUnavailable, message: "This business's calendar cannot be opened right now.", type: "server_error",
                code: "business_unavailable")
        }
    }
}

extension OpenAIHTTPError {
    /// 401 with `WWW-Authenticate: Bearer`, the way OpenAI answers a missing or wrong key.
    static func invalidAPIKey(_ message: String) -> OpenAIHTTPError {
        var error = OpenAIHTTPError(status: .unauthorized, message: message, type: "invalid_request_error", code: "invalid_api_key")
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }
}
