import HTTPTypes
import Hummingbird
import Logging
import Reception

/// Authenticates every `/api/v1` request and decides the one business it acts in. Unlike
/// `/v1/chat/completions`, the staff API is never open: without a key (a business's own key,
/// or a server key from `FRONTDESK_API_KEYS`) it answers 401 even on a server with no keys at
/// all, because it reads and changes patients' data.
///
/// A business key acts in its business only, as staff member `api_key:<id>`; a server key
/// names the business with `X-FrontDesk-Business` (or the server's only business), as
/// `server_key`. The same resolver as the voice path decides, so the refusals are the same.
struct StaffAPIMiddleware: RouterMiddleware {
    typealias Context = FrontDeskRequestContext
    let serverKeys: [[UInt8]]
    let businesses: Businesses

    init(serverKeys: [String], businesses: Businesses) {
        self.serverKeys = serverKeys.map { Array($0.utf8) }
        self.businesses = businesses
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let bearer = APIKeyMiddleware.bearerToken(request.headers[.authorization])
        let member: StaffMember
        var keyBusiness: String?
        switch await BearerKey.identify(bearer, serverKeys: serverKeys, businesses: businesses) {
        case .server:
            member = StaffMember(id: "server_key", channel: "api")
        case .business(let key):
            member = StaffMember(id: "api_key:\(key.id)", channel: "api")
            keyBusiness = key.businessID
        case nil:
            throw OpenAIHTTPError.invalidAPIKey(
                bearer == nil
                    ? "The staff API needs an API key: send 'Authorization: Bearer <key>'. Create one with `frontdesk business key create --business ID`."
                    : "Incorrect API key provided.")
        }
        let signals = BusinessResolver.Signals(
            keyBusiness: keyBusiness, authenticated: true,
            header: request.headers[ChatCompletionsController.businessHeader].flatMap { $0.isEmpty ? nil : $0 })
        let (runtime, _) = try await businesses.resolveRequest(signals, logger: context.logger)
        context.staff = StaffAccess(runtime: runtime, member: member)
        return try await next(request, context)
    }
}
