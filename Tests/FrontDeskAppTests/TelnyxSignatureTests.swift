import Crypto
import Foundation
@testable import FrontDeskApp
import Testing

/// Telnyx's Ed25519 webhook signature, checked in the order Telnyx's SDKs check it.
@Suite("Telnyx webhook signatures")
struct TelnyxSignatureTests {
    let key = Curve25519.Signing.PrivateKey()
    var verifier: TelnyxSignature { TelnyxSignature(publicKeyBase64: key.publicKey.rawRepresentation.base64EncodedString())! }

    func sign(_ timestamp: String, _ body: String) throws -> String {
        try key.signature(for: Data("\(timestamp)|\(body)".utf8)).base64EncodedString()
    }

    @Test func aBodySignedWithTheAccountKeyWithinFiveMinutesIsAccepted() throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let body = #"{"data":{"id":"e1","event_type":"call.hangup"}}"#
        let stamp = "1780000000"
        try verifier.verify(signature: try sign(stamp, body), timestamp: stamp, body: Array(body.utf8), now: now)
        // 300 s either way is still fine
        try verifier.verify(signature: try sign("1779999700", body), timestamp: "1779999700", body: Array(body.utf8), now: now)
        try verifier.verify(signature: try sign("1780000300", body), timestamp: "1780000300", body: Array(body.utf8), now: now)
    }

    @Test func missingHeadersStaleTimestampsAlteredBodiesAndOtherKeysAreRefused() throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let body = #"{"data":{"id":"e1"}}"#
        #expect(throws: TelnyxSignature.Failure.missingHeaders) { try verifier.verify(signature: nil, timestamp: "1780000000", body: Array(body.utf8), now: now) }
        #expect(throws: TelnyxSignature.Failure.missingHeaders) { try verifier.verify(signature: "x", timestamp: nil, body: Array(body.utf8), now: now) }
        // The timestamp is checked before the signature, both ways, and must be a number.
        #expect(throws: TelnyxSignature.Failure.staleTimestamp) {
            try verifier.verify(signature: try sign("1779999699", body), timestamp: "1779999699", body: Array(body.utf8), now: now)
        }
        #expect(throws: TelnyxSignature.Failure.staleTimestamp) {
            try verifier.verify(signature: try sign("1780000301", body), timestamp: "1780000301", body: Array(body.utf8), now: now)
        }
        #expect(throws: TelnyxSignature.Failure.staleTimestamp) { try verifier.verify(signature: "x", timestamp: "soon", body: Array(body.utf8), now: now) }
        // One byte changed, a signature for another timestamp, another key, garbage
        #expect(throws: TelnyxSignature.Failure.invalidSignature) {
            try verifier.verify(signature: try sign("1780000000", body), timestamp: "1780000000", body: Array(body.replacingOccurrences(of: "e1", with: "e2").utf8), now: now)
        }
        #expect(throws: TelnyxSignature.Failure.invalidSignature) {
            try verifier.verify(signature: try sign("1780000001", body), timestamp: "1780000000", body: Array(body.utf8), now: now)
        }
        let other = try Curve25519.Signing.PrivateKey().signature(for: Data("1780000000|\(body)".utf8)).base64EncodedString()
        #expect(throws: TelnyxSignature.Failure.invalidSignature) {
            try verifier.verify(signature: other, timestamp: "1780000000", body: Array(body.utf8), now: now)
        }
        #expect(throws: TelnyxSignature.Failure.invalidSignature) { try verifier.verify(signature: "bm90IGEgc2ln", timestamp: "1780000000", body: Array(body.utf8), now: now) }
        // A key that is not 32 bytes of base64 is not a key
        #expect(TelnyxSignature(publicKeyBase64: "c2hvcnQ=") == nil)
    }
}
