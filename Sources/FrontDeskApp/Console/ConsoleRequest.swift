import Foundation
import Hummingbird
import Reception
import Scheduling

/// What every signed-in console page starts from: who is signed in, their business's front
/// desk and profile, and the layout's data (business, zone, user, CSRF token, active tab).
struct ConsoleRequest {
    let staff: StaffAccess
    let session: StaffSession
    let views: ConsoleViews

    static func load(_ context: FrontDeskRequestContext) async throws -> ConsoleRequest {
        guard let staff = context.staff, let session = context.consoleSession else {
            throw OpenAIHTTPError(status: .unauthorized, message: "Sign in first.", type: "invalid_request_error", code: "not_signed_in")
        }
        let profile = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in try await staff.desk.profile() }
        return ConsoleRequest(staff: staff, session: session, views: ConsoleViews(profile: profile))
    }

    var desk: FrontDesk { staff.desk }
    var actor: FrontDeskActor { staff.actor }

    /// The layout's data merged with the page's.
    func page(_ title: String, tab: String, _ data: [String: Any] = [:]) -> [String: Any] {
        var page: [String: Any] = [
            "title": title, "businessName": views.profile.business.name, "zone": views.zone, "username": session.account.username,
            "role": session.account.role.rawValue, "isOperator": session.account.role == .operator, "csrf": session.csrfToken,
            "tab\(tab)": true,
        ]
        page.merge(data) { _, new in new }
        return page
    }

    /// Runs a use-case call; a refusal becomes the staff API's error (rendered by the caller
    /// as a page where it can be said next to the form).
    static func attempt<T>(_ body: () async throws(FrontDeskError) -> T) async throws -> T {
        try await StaffResponse.attempt(body)
    }

    /// The business's today.
    func today(now: Date = Date()) -> LocalDate { views.clock.local(now).date }
}
