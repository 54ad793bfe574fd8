import Foundation
import Reception
import Scheduling

/// One turn of a conversation as the call log keeps it. Message and tool-call fields are
/// OpenAI JSON text: the calendar stores them, the agent gives them meaning.
public struct CallTurnRecord: Sendable, Equatable {
    /// The conversation key (`call:<telephony id>` or `hist:<fingerprint>`).
    public var conversationID: String
    public var telephonyCallID: String?
    /// The caller's number in E.164, when the edge knew it.
    public var caller: String?
    public var persona: String
    public var requestID: String
    /// How many non-system client messages the turn answered.
    public var anchorPosition: Int
    /// Fingerprint of the client's user messages up to `anchorPosition`.
    public var anchorDigest: String
    /// What the caller said last (the turn's last user message), for reading the transcript.
    public var callerText: String?
    /// JSON array of the internal rounds' messages: assistant tool calls and tool results.
    public var internalMessages: String
    public var answer: String?
    /// JSON array of the tool calls handed back to the client (transfer, end_call …).
    public var clientToolCalls: String
    public var finishReason: String?
    /// Why the turn failed, when it did.
    public var error: String?
    public var streamed: Bool
    public var startedAt: Date
    public var durationMilliseconds: Int
    /// The patient the conversation acted for by the turn's end (verified or registered in it).
    public var patientID: Int64?
    /// Failed verifications in the conversation by the turn's end.
    public var failedVerifications: Int
    /// Which rule resolved the request to this business (`api_key`, `telnyx_agent_target` …).
    public var businessRule: String?
    /// The business's number the caller dialled.
    public var calledNumber: String?
    /// The turn's tool calls, written to the append-only `tool_audit` in the turn's transaction.
    public var toolAudit: [AuditEntry]
    /// JSON array of what the speech guard withheld or changed (`{"kind": …, "text": …}`).
    public var interventions: String

    public init(
        conversationID: String, telephonyCallID: String?, caller: String?, persona: String, requestID: String,
        anchorPosition: Int, anchorDigest: String, callerText: String?, internalMessages: String = "[]", answer: String?,
        clientToolCalls: String = "[]", finishReason: String?, error: String? = nil, streamed: Bool, startedAt: Date,
        durationMilliseconds: Int, patientID: Int64? = nil, failedVerifications: Int = 0, businessRule: String? = nil,
        calledNumber: String? = nil, toolAudit: [AuditEntry] = [], interventions: String = "[]"
    ) {
        self.conversationID = conversationID
        self.telephonyCallID = telephonyCallID
        self.caller = caller
        self.persona = persona
        self.requestID = requestID
        self.anchorPosition = anchorPosition
        self.anchorDigest = anchorDigest
        self.callerText = callerText
        self.internalMessages = internalMessages
        self.answer = answer
        self.clientToolCalls = clientToolCalls
        self.finishReason = finishReason
        self.error = error
        self.streamed = streamed
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.patientID = patientID
        self.failedVerifications = failedVerifications
        self.businessRule = businessRule
        self.calledNumber = calledNumber
        self.toolAudit = toolAudit
        self.interventions = interventions
    }
}

/// One conversation in the call log's listing.
public struct CallSummary: Sendable, Equatable {
    public var id: String
    public var telephonyCallID: String?
    public var caller: String?
    public var persona: String
    public var startedAt: Date
    public var lastTurnAt: Date
    public var turns: Int
    /// How the conversation's first turn was resolved to this business.
    public var businessRule: String?
}
