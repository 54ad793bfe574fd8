import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Reception
import SQLiteStore

/// Signs console requests in: the `fd_session` cookie names a live session in the accounts
/// table, which names the user and so the one business every page of the request shows. No
/// session: the sign-in page (or 401 for the live-updates stream). Every POST must carry the
/// session's CSRF token in its form, or it is refused with 403 before anything changes.
struct ConsoleSessionMiddleware: RouterMiddleware {
    typealias Context = FrontDeskRequestContext
    let accounts: StaffAccounts
    let businesses: Businesses
    let executor: any TaskExecutor

    static let cookieName = "fd_session"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        guard let token = request.cookies[Self.cookieName]?.value, token.count == 64,
              let session = try await withTaskExecutorPreference(executor, operation: { [accounts] in try accounts.session(token: token) })
        else {
            if request.uri.path.hasSuffix("/events") {
                throw OpenAIHTTPError(status: .unauthorized, message: "Sign in first.", type: "invalid_request_error", code: "not_signed_in")
            }
            return ConsoleRenderer.redirect(to: "/console/login")
        }
        let runtime: BusinessRuntime
        do {
            runtime = try await businesses.runtime(named: session.account.businessID)
        } catch {
            context.logger.error("a console user's business cannot be opened", metadata: ["error": "\(error)"])
            throw OpenAIHTTPError(status: .serviceUnavailable, message: "This business's calendar cannot be opened right now.",
                                  type: "server_error", code: "business_unavailable")
        }
        context.staff = StaffAccess(runtime: runtime, member: session.account.member(channel: "console"))
        context.consoleSession = session
        var request = request
        if request.method == .post {
            // Collecting keeps the body in the request, so the handler reads the same form again.
            let form = FormData(fields: FormData.parse(String(buffer: try await request.collectBody(upTo: FormData.limit))))
            guard let sent = form["csrf"], APIKeyMiddleware.constantTimeEquals(Array(sent.utf8), Array(session.csrfToken.utf8)) else {
                return ConsoleRenderer.forbidden()
            }
        }
        return try await next(request, context)
    }
}
