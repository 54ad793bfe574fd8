import Foundation
import OpenAIWire

/// What the telephony provider says about the call, read from its own request fields.
///
/// Telnyx (Custom LLM) sends `extra_metadata.telnyx_end_user_target` (the caller's number);
/// Vapi (`custom-llm`) sends `call.customer.number` or `customer.number` and `call.id`. These
/// fields describe the call and are never forwarded upstream.
struct TelephonyContext: Sendable, Equatable {
    var callerNumber: String?
    var callID: String?

    init(callerNumber: String? = nil, callID: String? = nil) {
        self.callerNumber = callerNumber
        self.callID = callID
    }

    init(telephony: [String: JSONValue], trustedCallerHeader: String?) {
        let extra = telephony["extra_metadata"]
        let call = telephony["call"]
        let caller =
            extra?["telnyx_end_user_target"]?.stringValue
            ?? call?["customer"]?["number"]?.stringValue
            ?? telephony["customer"]?["number"]?.stringValue
            ?? trustedCallerHeader
        self.callerNumber = caller.flatMap(Self.normalise)
        self.callID =
            call?["id"]?.stringValue
            ?? extra?["telnyx_conversation_id"]?.stringValue
            ?? extra?["call_control_id"]?.stringValue
            ?? extra?["conversation_id"]?.stringValue
    }

    /// Keeps `+` and digits ("+1 (555) 123-4567" → "+15551234567"); US numbers without a
    /// country code get +1. Anything that is not a plausible phone number is dropped, so a
    /// SIP URI or garbage never binds a caller.
    static func normalise(_ raw: String) -> String? {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("sip:") || text.hasPrefix("tel:") { text = String(text.dropFirst(4)) }
        if let at = text.firstIndex(of: "@") { text = String(text[..<at]) }
        let digits = text.filter(\.isASCII).filter(\.isNumber)
        guard digits.count >= 7, digits.count <= 15 else { return nil }
        if text.hasPrefix("+") { return "+" + digits }
        if digits.count == 10 { return "+1" + digits }
        if digits.count == 11, digits.hasPrefix("1") { return "+" + digits }
        return "+" + digits
    }
}
