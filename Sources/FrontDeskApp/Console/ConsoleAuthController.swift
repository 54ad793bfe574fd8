import Foundation
import Hummingbird
import Logging
import NIOCore
import Reception
import SQLiteStore
import Synchronization

/// Signing in and out of the console. Sign-in is throttled per username and per client
/// address (5 failures in 15 minutes), checks a slow bcrypt hash off the cooperative pool, and
/// is protected against login CSRF by a double-submit cookie. A session is a random token in
/// an HttpOnly, SameSite=Lax cookie; the accounts table keeps only its hash.
struct ConsoleAuthController: Sendable {
    let accounts: StaffAccounts
    let hasher: PasswordHasher
    let renderer: ConsoleRenderer
    let executor: any TaskExecutor
    let secureCookies: Bool

    static let loginCookie = "fd_login"
    static let sessionLifetime: TimeInterval = 12 * 3600
    static let failureLimit = 5
    static let failureWindow: TimeInterval = 15 * 60
    /// Checked when the username is unknown, so a wrong name and a wrong password take the
    /// same bcrypt time. Made at the configured cost on first need, off the cooperative pool.
    private let decoyHash = DecoyHash()

    init(accounts: StaffAccounts, hasher: PasswordHasher, renderer: ConsoleRenderer, executor: any TaskExecutor, secureCookies: Bool) {
        self.accounts = accounts
        self.hasher = hasher
        self.renderer = renderer
        self.executor = executor
        self.secureCookies = secureCookies
    }

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("login", use: form)
        group.post("login", use: signIn)
    }

    @Sendable func form(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        loginPage(error: nil, username: nil, status: .ok,
                  notice: QueryParameters(request).string("signed_out") == nil ? nil : "You are signed out.")
    }

    @Sendable func signIn(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let form = try await FormData.read(request)
        guard let cookie = request.cookies[Self.loginCookie]?.value, let sent = form["csrf"],
              APIKeyMiddleware.constantTimeEquals(Array(cookie.utf8), Array(sent.utf8))
        else { return ConsoleRenderer.forbidden() }
        let username = String((form["username"] ?? "").prefix(64))
        let password = form.fields["password"] ?? ""
        let client = context.remoteAddress?.ipAddress
        let (accounts, hasher, decoyHash) = (self.accounts, self.hasher, self.decoyHash)
        let failures = try await withTaskExecutorPreference(executor) {
            try accounts.recentFailures(username: username, client: client, since: Date().addingTimeInterval(-Self.failureWindow))
        }
        if failures.username >= Self.failureLimit || failures.client >= Self.failureLimit {
            context.logger.warning("console sign-in throttled", metadata: ["client": "\(client ?? "-")"])
            return loginPage(error: "Too many failed sign-ins. Wait 15 minutes, or ask an operator to reset your password.",
                             username: username, status: .tooManyRequests)
        }
        let account = try await withTaskExecutorPreference(executor) { () throws -> StaffAccount? in
            let found = try accounts.credentials(username: username)
            let decoy = found == nil ? decoyHash.value(hasher) : ""
            let matches = hasher.verify(password, hash: found?.passwordHash ?? decoy)
            try accounts.recordAttempt(username: username, client: client, succeeded: found != nil && matches)
            return matches ? found?.account : nil
        }
        guard let account else {
            return loginPage(error: "Wrong username or password.", username: username, status: .unauthorized)
        }
        let (token, csrf) = (Self.randomToken(), Self.randomToken())
        try await withTaskExecutorPreference(executor) {
            try accounts.createSession(token: token, csrfToken: csrf, account: account, lifetime: Self.sessionLifetime)
        }
        context.logger.info("console sign-in", metadata: ["user": "\(account.username)", "business": "\(account.businessID)"])
        var response = ConsoleRenderer.redirect(to: "/console")
        response.setCookie(Cookie(name: ConsoleSessionMiddleware.cookieName, value: token, maxAge: Int(Self.sessionLifetime), path: "/",
                                  secure: secureCookies, httpOnly: true, sameSite: .lax))
        response.setCookie(Cookie(name: Self.loginCookie, value: "", maxAge: 0, path: "/console/login", secure: secureCookies,
                                  httpOnly: true, sameSite: .strict))
        return response
    }

    /// Behind the session middleware: the form carried the session's CSRF token.
    @Sendable func signOut(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        if let token = request.cookies[ConsoleSessionMiddleware.cookieName]?.value {
            let accounts = self.accounts
            try await withTaskExecutorPreference(executor) { try accounts.endSession(token: token) }
        }
        var response = ConsoleRenderer.redirect(to: "/console/login?signed_out=1")
        response.setCookie(Cookie(name: ConsoleSessionMiddleware.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookies,
                                  httpOnly: true, sameSite: .lax))
        return response
    }

    private func loginPage(error: String?, username: String?, status: HTTPResponse.Status, notice: String? = nil) -> Response {
        let csrf = Self.randomToken()
        var response = renderer.page("login", ["title": "Sign in", "error": ConsoleViews.some(error), "notice": ConsoleViews.some(notice),
                                               "username": username ?? "", "csrf": csrf],
                                     status: status)
        response.setCookie(Cookie(name: Self.loginCookie, value: csrf, maxAge: 3600, path: "/console/login", secure: secureCookies,
                                  httpOnly: true, sameSite: .strict))
        return response
    }

    /// 32 random bytes as 64 hex digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let value: UInt64 = generator.next()
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

/// A bcrypt hash of a random password, made once on first need.
final class DecoyHash: Sendable {
    private let made = Mutex<String?>(nil)

    func value(_ hasher: PasswordHasher) -> String {
        if let made = made.withLock({ $0 }) { return made }
        let hash = hasher.hash(PasswordHasher.generate())
        made.withLock { $0 = hash }
        return hash
    }
}
