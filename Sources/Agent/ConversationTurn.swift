import Foundation
import OpenAIWire
import Reception

/// One finished turn as the conversation store keeps it: enough to print the transcript and
/// to splice the turn's internal tool rounds into later turns.
public struct ConversationTurn: Sendable, Equatable {
    public var conversationID: String
    public var telephonyCallID: String?
    public var callerNumber: String?
    public var persona: String
    public var requestID: String
    public var anchor: TranscriptAnchor
    /// The turn's last user message.
    public var callerText: String?
    /// The internal rounds: assistant messages with FrontDesk's tool calls and their results.
    /// The client never saw them.
    public var internalMessages: [ChatMessage]
    public var answer: String?
    /// Tool calls handed to the client (transfer, end_call …).
    public var clientToolCalls: [ToolCall]
    public var finishReason: String?
    public var error: String?
    public var streamed: Bool
    public var startedAt: Date
    public var duration: Duration
    /// Who the conversation acted for by the turn's end; handed on to the turns continuing it.
    public var identity: TurnIdentity.State
    /// Which rule resolved the request to its business.
    public var businessRule: String?
    /// The business's number the caller dialled.
    public var calledNumber: String?
    /// The turn's tool calls as audit rows, written with the turn.
    public var toolAudit: [AuditEntry]
    /// What the speech guard withheld or changed in the turn's answer.
    public var interventions: [SpeechIntervention]

    public init(
        conversationID: String, telephonyCallID: String?, callerNumber: String?, persona: String, requestID: String,
        anchor: TranscriptAnchor, callerText: String?, internalMessages: [ChatMessage], answer: String?,
        clientToolCalls: [ToolCall], finishReason: String?, error: String?, streamed: Bool, startedAt: Date, duration: Duration,
        identity: TurnIdentity.State = .init(), businessRule: String? = nil, calledNumber: String? = nil, toolAudit: [AuditEntry] = [],
        interventions: [SpeechIntervention] = []
    ) {
        self.conversationID = conversationID
        self.telephonyCallID = telephonyCallID
        self.callerNumber = callerNumber
        self.persona = persona
        self.requestID = requestID
        self.anchor = anchor
        self.callerText = callerText
        self.internalMessages = internalMessages
        self.answer = answer
        self.clientToolCalls = clientToolCalls
        self.finishReason = finishReason
        self.error = error
        self.streamed = streamed
        self.startedAt = startedAt
        self.duration = duration
        self.identity = identity
        self.businessRule = businessRule
        self.calledNumber = calledNumber
        self.toolAudit = toolAudit
        self.interventions = interventions
    }
}

extension ConversationTurn {
    /// The finish reason kept for a streamed turn whose client closed the stream before the end.
    public static let interrupted = "interrupted"

    /// Whether later turns need it: it ran rounds to splice back, or established an identity.
    package var isRemembered: Bool {
        !internalMessages.isEmpty || identity.patientID != nil || identity.failedVerifications > 0
    }
}

/// Where conversations are kept. A protocol so the agent stays testable without a database;
/// the app wires `CallLogConversationStore`.
public protocol ConversationStore: Sendable {
    /// The earlier turns of this conversation that ran internal tool rounds or established an
    /// identity, oldest first. Must not throw: a store failure costs the model its memory (and
    /// the caller a verification), never the caller their turn.
    /// - Parameter position: only turns anchored before it can be continued (`TranscriptAnchor.position`
    ///   of the client's history); a store may return more, never fewer.
    func rememberedTurns(conversationID: String, before position: Int) async -> [ConversationTurn]
    /// Keeps a finished (or failed) turn. Must return at once: the caller is waiting.
    func record(_ turn: ConversationTurn)
}
