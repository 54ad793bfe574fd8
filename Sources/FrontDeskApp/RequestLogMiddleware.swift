import HTTPTypes
import Hummingbird
import Logging

/// One log line per request: method, path, status, duration and request id, echoed to the
/// client as `X-Request-Id`. Headers and bodies are never logged, so an Authorization header
/// or a key in a body cannot reach the logs (A5).
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = FrontDeskRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.logger[metadataKey: "request_id"] = "\(context.requestID)"
        let started = ContinuousClock.now
        do {
            var response = try await next(request, context)
            response.headers[.init("X-Request-Id")!] = context.requestID
            log(request, status: response.status.code, started: started, context: context)
            return response
        } catch let error as any HTTPResponseError {
            log(request, status: error.status.code, started: started, context: context)
            throw RequestIDTagged(error: error, requestID: context.requestID)
        }
    }

    private func log(_ request: Request, status: Int, started: ContinuousClock.Instant, context: Context) {
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(status)",
                "ms": "\(Int(milliseconds.rounded()))",
            ])
    }
}

/// Carries the request id onto an error response.
struct RequestIDTagged: HTTPResponseError {
    let error: any HTTPResponseError
    let requestID: String
    var status: HTTPResponse.Status { error.status }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try error.response(from: request, context: context)
        response.headers[.init("X-Request-Id")!] = requestID
        return response
    }
}
