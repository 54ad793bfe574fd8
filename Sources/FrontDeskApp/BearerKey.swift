import Reception

/// What a bearer token turned out to be. `/v1` and `/api/v1` both ask here, so a key means
/// the same thing to the voice path and to the staff API.
enum BearerKey: Sendable {
    /// One of `FRONTDESK_API_KEYS`: may act for any business it names.
    case server
    /// A business's own key (`frontdesk business key create`): that business only.
    case business(BusinessDirectory.Key)

    /// nil when there is no token or it is no key at all.
    static func identify(_ bearer: String?, serverKeys: [[UInt8]], businesses: Businesses) async -> BearerKey? {
        guard let bearer else { return nil }
        let sent = Array(bearer.utf8)
        if serverKeys.contains(where: { APIKeyMiddleware.constantTimeEquals($0, sent) }) { return .server }
        return await businesses.businessKey(bearer).map(BearerKey.business)
    }
}
