import OpenAIWire

/// One turn of a call as the agent sees it: the client's request plus what the edge learned
/// about the call. The caller's number is authority (it decides whose appointments tools may
/// touch), so only the edge sets it, from the telephony metadata or a trusted header.
public struct ChatTurn: Sendable {
    public var request: ChatCompletionRequest
    /// The persona explicitly asked for (header, query or model id); nil means the configured default.
    public var personaName: String?
    /// The caller's phone number in E.164, when the telephony provider told us.
    public var callerNumber: String?
    /// The telephony call id, when present; otherwise the conversation is identified by its history.
    public var callID: String?
    /// The client's bearer token, forwarded upstream only when configured to.
    public var upstreamCredential: String?
    public var requestID: String
    /// Which rule resolved the request to its business (kept in the call log).
    public var businessRule: String?
    /// The business's number the caller dialled (E.164), when the telephony provider said.
    public var calledNumber: String?
    /// `voice`, or `sms` for a text conversation (Telnyx `telnyx_conversation_channel: sms_chat`).
    public var channel: String
    /// A reminder call FrontDesk placed (`extra_metadata.frontdesk_reminder_id`).
    public var reminderID: Int64?

    public init(
        request: ChatCompletionRequest, personaName: String? = nil, callerNumber: String? = nil, callID: String? = nil,
        upstreamCredential: String? = nil, requestID: String, businessRule: String? = nil,
        calledNumber: String? = nil, channel: String = "voice", reminderID: Int64? = nil
    ) {
        self.request = request
        self.personaName = personaName
        self.callerNumber = callerNumber
        self.callID = callID
        self.upstreamCredential = upstreamCredential
        self.requestID = requestID
        self.businessRule = businessRule
        self.calledNumber = calledNumber
        self.channel = channel
        self.reminderID = reminderID
    }
}
