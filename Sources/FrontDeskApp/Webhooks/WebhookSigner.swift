import Crypto
import Foundation
import Reception

/// Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256, keyed with the
/// base64-decoded secret after `whsec_`, over `"{webhook-id}.{webhook-timestamp}.{body}"`;
/// sent as `v1,<base64>`, one entry per secret (space-separated) while a rotation is on.
enum WebhookSigner {
    static func signature(secret: String, id: String, timestamp: Int64, body: [UInt8]) -> String? {
        guard let key = Data(base64Encoded: String(secret.hasPrefix("whsec_") ? secret.dropFirst(6) : secret[...])) else { return nil }
        var content = Array("\(id).\(timestamp).".utf8)
        content += body
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    static func header(secrets: [String], id: String, timestamp: Int64, body: [UInt8]) -> String {
        secrets.compactMap { signature(secret: $0, id: id, timestamp: timestamp, body: body) }.joined(separator: " ")
    }

    /// `{"type": …, "timestamp": …, "data": …}`: the event's own data, untouched.
    static func body(for delivery: WebhookDelivery) -> [UInt8] {
        let timestamp = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).format(delivery.eventCreatedAt)
        let type = delivery.type.filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
        return Array(#"{"data":\#(delivery.data),"timestamp":"\#(timestamp)","type":"\#(type)"}"#.utf8)
    }
}
