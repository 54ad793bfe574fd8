import HTTPTypes
import Hummingbird
import Logging

/// Renders what no controller handled in OpenAI's error shape: unknown routes (404), a known
/// path with the wrong method (405, with `Allow`), and any unexpected error (500, logged with
/// the request id; its text never reaches the client).
struct OpenAIErrorMiddleware: RouterMiddleware {
    typealias Context = FrontDeskRequestContext

    /// Known paths and their methods, for telling 405 from 404. A segment `:name` matches any one segment.
    let routes: [String: [HTTPRequest.Method]]

    static func methods(for path: String, in routes: [String: [HTTPRequest.Method]]) -> [HTTPRequest.Method]? {
        if let exact = routes[path] { return exact }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var methods: [HTTPRequest.Method] = []
        for (pattern, allowed) in routes where pattern.contains("/:") {
            let parts = pattern.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == segments.count,
                  zip(parts, segments).allSatisfy({ $0.hasPrefix(":") ? !$1.isEmpty : $0 == $1 })
            else { continue }
            methods += allowed.filter { !methods.contains($0) }
        }
        return methods.isEmpty ? nil : methods
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as OpenAIHTTPError {
            throw error
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path.count > 1 && request.uri.path.hasSuffix("/") ? String(request.uri.path.dropLast()) : request.uri.path
            if let methods = Self.methods(for: path, in: routes) {
                var notAllowed = OpenAIHTTPError(
                    status: .methodNotAllowed,
                    message: "Method \(request.method) is not allowed on \(path). Use \(methods.map(\.rawValue).joined(separator: " or ")).",
                    type: "invalid_request_error", code: "method_not_allowed")
                notAllowed.headers[.allow] = methods.map(\.rawValue).joined(separator: ", ")
                throw notAllowed
            }
            throw OpenAIHTTPError(
                status: .notFound, message: "Unknown request URL: \(request.method) \(path). See the README for the endpoints FrontDesk serves.",
                type: "invalid_request_error", code: "unknown_url")
        } catch let error as any HTTPResponseError {
            throw OpenAIHTTPError(status: error.status, message: "\(error.status.reasonPhrase).", type: "invalid_request_error")
        } catch {
            context.logger.error("unhandled error", metadata: ["request_id": "\(context.requestID)", "error": "\(error)"])
            throw OpenAIHTTPError(
                status: .internalServerError, message: "The server had an error processing your request (request id \(context.requestID)).",
                type: "server_error")
        }
    }
}
