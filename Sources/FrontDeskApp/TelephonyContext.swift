import Foundation
import OpenAIWire
import Scheduling

/// What the telephony provider says about the call, read from its own request fields.
///
/// Telnyx (Custom LLM) sends `extra_metadata.telnyx_end_user_target` (the caller's number);
/// Vapi (`custom-llm`) sends `call.customer.number` or `customer.number` and `call.id`. These
/// fields describe the call and are never forwarded upstream. The number *called* picks the
/// business: Telnyx's `extra_metadata.telnyx_agent_target`, Vapi's `phoneNumber.number`.
struct TelephonyContext: Sendable, Equatable {
    var callerNumber: String?
    var callID: String?
    var telnyxCalledNumber: String?
    var vapiCalledNumber: String?
    /// `sms` when Telnyx says the conversation is a text chat, else `voice`.
    var channel = "voice"
    /// A reminder call FrontDesk placed: its dynamic variables carry the reminder's id.
    var reminderID: Int64?

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
        self.telnyxCalledNumber = extra?["telnyx_agent_target"]?.stringValue.flatMap(Self.normalise)
        self.channel = extra?["telnyx_conversation_channel"]?.stringValue == "sms_chat" ? "sms" : "voice"
        self.reminderID = (extra?["frontdesk_reminder_id"]?.stringValue).flatMap { Int64($0) }
        self.vapiCalledNumber = (call?["phoneNumber"]?["number"]?.stringValue ?? telephony["phoneNumber"]?["number"]?.stringValue)
            .flatMap(Self.normalise)
        // FrontDesk's own id first: the dynamic-variables webhook hands Telnyx the call's
        // call_control_id as `frontdesk_call_id`, and `call.conversation.ended` names the same.
        self.callID =
            call?["id"]?.stringValue
            ?? extra?["frontdesk_call_id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            ?? extra?["telnyx_conversation_id"]?.stringValue
            ?? extra?["call_control_id"]?.stringValue
            ?? extra?["conversation_id"]?.stringValue
    }

    /// The caller's number as E.164, by the calendar's own `PhoneNumber` rules, so the number
    /// the edge binds and the number patients are stored under can never be normalised
    /// differently. SIP and tel URIs are unwrapped first; anything that is not a plausible
    /// phone number is dropped, so garbage never binds a caller.
    static func normalise(_ raw: String) -> String? {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("sip:") || text.hasPrefix("tel:") { text = String(text.dropFirst(4)) }
        if let at = text.firstIndex(of: "@") { text = String(text[..<at]) }
        return PhoneNumber(text)?.e164
    }
}
