import Foundation
import Hummingbird
import Logging
import OpenAIWire
import Reception
import Scheduling
import SQLiteStore
import Upstream

/// The operator's page: the business profile (edited as its import JSON, validated whole),
/// API keys (a new key is shown once; only its prefix is kept in view) and console users (a
/// new user's password is generated and shown once). Staff get 403: these change who can act
/// for the business and how it books.
struct ConsoleSettingsController: Sendable {
    let renderer: ConsoleRenderer
    let registry: BusinessRegistry
    let accounts: StaffAccounts
    let hasher: PasswordHasher
    let executor: any TaskExecutor

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("settings") { request, context in
            let saved = QueryParameters(request).string("saved") == "profile"
            return try await page(context, notice: saved ? "Profile saved." : nil, secret: nil, error: nil)
        }
        group.post("settings/profile", use: saveProfile)
        group.post("settings/keys", use: createKey)
        group.post("settings/keys/revoke", use: revokeKey)
        group.post("settings/users", use: addUser)
        group.post("settings/users/remove", use: removeUser)
        group.post("settings/webhooks", use: addWebhook)
        group.post("settings/webhooks/remove") { request, context in try await webhookAction(request, context, remove: true) }
        group.post("settings/webhooks/enable") { request, context in try await webhookAction(request, context, remove: false) }
    }

    /// An endpoint from the console: public URLs only (a private one needs the server's shell,
    /// `frontdesk webhook add --allow-private`); its secret is shown once.
    @Sendable func addWebhook(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        guard let console = try await requireOperator(context) else { return try await forbidden(context) }
        let form = try await FormData.read(request)
        let url = form["url"] ?? ""
        let events = (form["events"] ?? "*").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let refusal = await WebhookURL.refusal(url, executor: executor)
        if let refusal { return try await page(context, notice: nil, secret: nil, error: "That URL is refused: \(refusal).", status: .badRequest) }
        let (desk, actor) = (console.desk, console.actor)
        do {
            let (endpoint, secret) = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in
                try await desk.addWebhook(url: url, events: events, includeTranscript: form["include_transcript"] == "on", for: actor, now: Date())
            }
            return try await page(context, notice: "Webhook \(endpoint.id) added. Its signing secret is shown only once:", secret: secret, error: nil)
        } catch let refusal as OpenAIHTTPError {
            return try await page(context, notice: nil, secret: nil, error: refusal.body.message, status: refusal.status)
        }
    }

    private func webhookAction(_ request: Request, _ context: FrontDeskRequestContext, remove: Bool) async throws -> Response {
        guard let console = try await requireOperator(context) else { return try await forbidden(context) }
        guard let id = try await FormData.read(request)["id"].flatMap({ Int64($0) }) else {
            return try await page(context, notice: nil, secret: nil, error: "No such webhook.", status: .notFound)
        }
        let (desk, actor) = (console.desk, console.actor)
        do {
            try await ConsoleRequest.attempt { () async throws(FrontDeskError) in
                if remove { try await desk.removeWebhook(id: id, for: actor) } else { try await desk.enableWebhook(id: id, for: actor, now: Date()) }
            }
        } catch let refusal as OpenAIHTTPError {
            return try await page(context, notice: nil, secret: nil, error: refusal.body.message, status: refusal.status)
        }
        return try await page(context, notice: remove ? "Webhook \(id) removed." : "Webhook \(id) is on again; its waiting events go out now.",
                              secret: nil, error: nil)
    }

    private func requireOperator(_ context: FrontDeskRequestContext) async throws -> ConsoleRequest? {
        let console = try await ConsoleRequest.load(context)
        return console.session.account.role == .operator ? console : nil
    }

    private func forbidden(_ context: FrontDeskRequestContext) async throws -> Response {
        let console = try await ConsoleRequest.load(context)
        return renderer.page("not-found", console.page("Operators only", tab: "Settings", ["what": "settings page for your role"]),
                             status: .forbidden)
    }

    func page(_ context: FrontDeskRequestContext, notice: String?, secret: String?, error: String?, profileText: String? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let console = try await requireOperator(context) else { return try await forbidden(context) }
        let business = console.session.account.businessID
        let (registry, accounts) = (self.registry, self.accounts)
        let (keys, users) = try await withTaskExecutorPreference(executor) {
            (try registry.keys(of: business), try accounts.users(businessID: business))
        }
        let (desk, actor) = (console.desk, console.actor)
        let webhooks = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in try await desk.webhooks(for: actor) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let profile = profileText ?? (try? encoder.encode(console.views.profile)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return renderer.page("settings", console.page("Settings", tab: "Settings", [
            "notice": ConsoleViews.some(notice), "secret": ConsoleViews.some(secret), "error": ConsoleViews.some(error), "profile": profile,
            "keys": keys.map { ["prefix": $0.prefix, "label": $0.label ?? "", "revoked": $0.revoked] },
            "users": users.map { ["username": $0.username, "role": $0.role.rawValue, "isSelf": $0.username == console.session.account.username] },
            "roles": ConsoleViews.options(StaffAccount.Role.allCases.map(\.rawValue), selected: "staff"),
            "webhooks": webhooks.map { endpoint -> [String: Any] in
                ["id": endpoint.id, "url": endpoint.url, "events": endpoint.events.joined(separator: ", "), "enabled": endpoint.enabled,
                 "reason": endpoint.disabledReason ?? "turned off"]
            },
            "noWebhooks": webhooks.isEmpty,
        ]), status: status)
    }

    @Sendable func saveProfile(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        guard let console = try await requireOperator(context) else { return try await forbidden(context) }
        let text = try await FormData.read(request).fields["profile"] ?? ""
        do {
            let profile: BusinessProfile
            do {
                profile = try JSONDecoder().decode(BusinessProfile.self, from: Data(text.utf8))
            } catch let error as DecodingError {
                let (path, message) = ProfileDecodingError.describe(error)
                throw OpenAIHTTPError.invalidRequest((path.isEmpty ? "" : path + ": ") + message, param: path)
            } catch {
                throw OpenAIHTTPError.invalidRequest("The profile is not valid JSON.")
            }
            let (desk, actor) = (console.desk, console.actor)
            try await ConsoleRequest.attempt { () async throws(FrontDeskError) in try await desk.replaceProfile(profile, for: actor, now: Date()) }
            return ConsoleRenderer.redirect(to: "/console/settings?saved=profile")
        } catch let refusal as OpenAIHTTPError {
            return try await page(context, notice: nil, secret: nil, error: "Nothing was changed: \(refusal.body.message)", profileText: text,
                                  status: refusal.status)
        }
    }

    @Sendable func createKey(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        guard let console = try await requireOperator(context) else { return try await forbidden(context) }
        let label = try await FormData.read(request)["label"].map { String($0.prefix(100)) }
        let (registry, business) = (self.registry, console.session.account.businessID)
        let key = try await withTaskExecutorPreference(executor) { try registry.createKey(business: business, label: label) }
        context.logger.info("API key created in the console", metadata: ["user": "\(console.session.account.username)"])
        return try await page(context, notice: "Key created. Copy it now: it is shown only once.", secret: key, error: nil)
    }

    @Sendable func revokeKey(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        guard let console = try await requireOperator(context) else { return try await forbidden(context) }
        let prefix = try await FormData.read(request)["prefix"] ?? ""
        let (registry, business) = (self.registry, console.session.account.businessID)
        do {
            try await withTaskExecutorPreference(executor) { try registry.revokeKey(business: business, prefix: prefix) }
        } catch let error as SchedulingError {
            return try await page(context, notice: nil, secret: nil, error: error.message, status: .notFound)
        }
        return try await page(context, notice: "Key \(prefix)… revoked; it stops working within a second.", secret: nil, error: nil)
    }

    @Sendable func addUser(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        guard let console = try await requireOperator(context) else { return try await forbidden(context) }
        let form = try await FormData.read(request)
        let username = form["username"] ?? ""
        let role = form["role"].flatMap(StaffAccount.Role.init(rawValue:)) ?? .staff
        let password = PasswordHasher.generate()
        let (accounts, hasher, business) = (self.accounts, self.hasher, console.session.account.businessID)
        do {
            try await withTaskExecutorPreference(executor) {
                _ = try accounts.addUser(username: username, businessID: business, role: role, passwordHash: hasher.hash(password))
            }
        } catch let error as SchedulingError {
            return try await page(context, notice: nil, secret: nil, error: "'\(username)': \(error.message)", status: .badRequest)
        }
        return try await page(context, notice: "Added \(role.rawValue) \(username). Give them this password (shown only once):",
                              secret: password, error: nil)
    }

    @Sendable func removeUser(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        guard let console = try await requireOperator(context) else { return try await forbidden(context) }
        let username = try await FormData.read(request)["username"] ?? ""
        let (accounts, business) = (self.accounts, console.session.account.businessID)
        guard username != console.session.account.username else {
            return try await page(context, notice: nil, secret: nil, error: "You cannot remove yourself.", status: .badRequest)
        }
        // Only a user of this operator's own business.
        let removed = try await withTaskExecutorPreference(executor) { () throws -> Bool in
            guard try accounts.users(businessID: business).contains(where: { $0.username.lowercased() == username.lowercased() }) else { return false }
            try accounts.removeUser(username: username)
            return true
        }
        guard removed else { return try await page(context, notice: nil, secret: nil, error: "No such user.", status: .notFound) }
        return try await page(context, notice: "Removed \(username) and signed out their sessions.", secret: nil, error: nil)
    }
}
