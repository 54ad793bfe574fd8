import Crypto
import Foundation
import HTTPTypes

/// Telnyx signs every webhook with the account's Ed25519 key over `"{telnyx-timestamp}|{raw
/// body}"`. Checked as Telnyx's own SDKs check it, in their order, before the body is parsed:
/// headers present, timestamp within the tolerance either way, then the signature.
struct TelnyxSignature: Sendable {
    /// The key's 32 raw bytes (swift-crypto's key type is not Sendable; it is rebuilt per check).
    let publicKey: Data
    let tolerance: TimeInterval

    enum Failure: Error, Equatable {
        case missingHeaders
        case staleTimestamp
        case invalidSignature
    }

    /// nil when `base64` is not 32 raw key bytes in base64.
    init?(publicKeyBase64: String, tolerance: TimeInterval = 300) {
        guard let raw = Data(base64Encoded: publicKeyBase64.trimmingCharacters(in: .whitespaces)), raw.count == 32,
              (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil
        else { return nil }
        publicKey = raw
        self.tolerance = tolerance
    }

    func verify(signature: String?, timestamp: String?, body: some Collection<UInt8>, now: Date) throws(Failure) {
        guard let signature, let timestamp, !signature.isEmpty, !timestamp.isEmpty else { throw .missingHeaders }
        guard let seconds = Int64(timestamp.trimmingCharacters(in: .whitespaces)),
              abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= tolerance
        else { throw .staleTimestamp }
        guard let bytes = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)), bytes.count == 64 else { throw .invalidSignature }
        var signed = Data(timestamp.utf8)
        signed.append(UInt8(ascii: "|"))
        signed.append(contentsOf: body)
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey), key.isValidSignature(bytes, for: signed) else {
            throw .invalidSignature
        }
    }
}

extension OpenAIHTTPError {
    init(_ failure: TelnyxSignature.Failure) {
        switch failure {
        case .missingHeaders:
            self.init(status: .badRequest, message: "Telnyx webhooks carry telnyx-signature-ed25519 and telnyx-timestamp headers; this request has not.",
                      type: "invalid_request_error", code: "missing_signature")
        case .staleTimestamp:
            self.init(status: .badRequest, message: "telnyx-timestamp is too far from now (a replay, or a clock that is off).",
                      type: "invalid_request_error", code: "stale_timestamp")
        case .invalidSignature:
            self.init(status: .unauthorized, message: "The Telnyx signature does not match the body and TELNYX_PUBLIC_KEY.",
                      type: "invalid_request_error", code: "invalid_signature")
        }
    }
}
