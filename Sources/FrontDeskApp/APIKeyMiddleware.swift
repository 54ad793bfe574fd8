import HTTPTypes
import Hummingbird
import Foundation
import Reception

/// A1: when `FRONTDESK_API_KEYS` is set or any business has a key (`frontdesk business key
/// create`), every `/v1/*` request must carry one of them as a bearer token; anything else is a
/// 401 before any work (or upstream call) happens. A server key (`FRONTDESK_API_KEYS`) may name
/// any business with `X-FrontDesk-Business`; a business key is its business's only.
/// The bearer itself is remembered only for `UPSTREAM_FORWARD_CLIENT_KEY` and never logged.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = FrontDeskRequestContext
    let keys: [[UInt8]]
    let businesses: Businesses

    init(keys: [String], businesses: Businesses) {
        self.keys = keys.map { Array($0.utf8) }
        self.businesses = businesses
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let bearer = Self.bearerToken(request.headers[.authorization])
        context.clientBearer = bearer
        switch await BearerKey.identify(bearer, serverKeys: keys, businesses: businesses) {
        case .server:
            context.isAuthenticated = true
        case .business(let key):
            context.isAuthenticated = true
            context.keyBusiness = key.businessID
        case nil:
            if await requiresKey() {
                throw OpenAIHTTPError.invalidAPIKey(
                    bearer == nil
                        ? "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'; keys are configured in FRONTDESK_API_KEYS or created with `frontdesk business key create`."
                        : "Incorrect API key provided.")
            }
        }
        return try await next(request, context)
    }

    /// Whether a key is required at all: once one exists, anywhere.
    private func requiresKey() async -> Bool {
        if !keys.isEmpty { return true }
        return await businesses.haveKeys()
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        // On UTF-8 bytes, spaces and tabs trimmed by hand: NSString trimming, and then Character
        // views through reversed(), showed up in profiles of every request (~120k instructions).
        let bytes = header.utf8
        guard bytes.count > 7, bytes.prefix(7).elementsEqual("bearer ".utf8, by: { $0 | 0x20 == $1 }) else { return nil }
        var start = bytes.index(bytes.startIndex, offsetBy: 7)
        var end = bytes.endIndex
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while start < end, isBlank(bytes[start]) { start = bytes.index(after: start) }
        while end > start, isBlank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return start == end ? nil : String(header[start..<end])
    }

    /// Compares without an early exit, so response time does not reveal how much of a key matched.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
