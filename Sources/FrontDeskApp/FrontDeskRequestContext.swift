import Hummingbird
import Logging
import NIOCore
import Reception

/// Per-request state: the request id for logs and responses, and whether the request proved
/// one of our API keys (only then are the `X-FrontDesk-Caller` and `X-FrontDesk-Business`
/// headers trusted) and whose business key it was. The body size
/// limit is applied by the controller, which knows the configured `MAX_BODY_BYTES`.
public struct FrontDeskRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String
    public var isAuthenticated = false
    public var clientBearer: String?
    /// The business whose API key authenticated the request, when it was a business key.
    public var keyBusiness: String?
    /// On `/api/v1`: the business the request acts in and the staff member acting.
    var staff: StaffAccess?
    /// In the console: the signed-in session (user, business, CSRF token).
    var consoleSession: StaffSession?

    /// The connection, for the client's address (sign-in throttling); read only when needed.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
        self.requestID = RequestID.make()
    }
}

extension FrontDeskRequestContext {
    public var remoteAddress: SocketAddress? { channel.remoteAddress }
}

enum RequestID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return "req_" + String(generator.next() as UInt64, radix: 36) + String(generator.next() as UInt32, radix: 36)
    }
}
