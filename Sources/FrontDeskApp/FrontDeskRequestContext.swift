import Hummingbird
import Logging
import NIOCore

/// Per-request state: the request id for logs and responses, and whether the request proved
/// one of our API keys (only then are the `X-FrontDesk-Caller` and `X-FrontDesk-Business`
/// headers trusted) and whose business key it was. The body size
/// limit is applied by the controller, which knows the configured `MAX_BODY_BYTES`.
public struct FrontDeskRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String
    public var isAuthenticated = false
    public var clientBearer: String?
    /// The business whose API key authenticated the request, when it was a business key.
    public var keyBusiness: String?
    /// On `/api/v1`: the business the request acts in and the staff member acting.
    var staff: StaffAccess?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = RequestID.make()
    }
}

enum RequestID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return "req_" + String(generator.next() as UInt64, radix: 36) + String(generator.next() as UInt32, radix: 36)
    }
}
