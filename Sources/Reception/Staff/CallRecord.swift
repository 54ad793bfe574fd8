import Foundation

/// One conversation of the call log, as staff see it in a list.
public struct CallRecord: Sendable, Equatable {
    public var id: String
    public var caller: String?
    public var persona: String
    public var startedAt: Date
    public var lastTurnAt: Date
    public var turns: Int
    /// How the call reached this business (`telnyx_agent_target`, `api_key`, …).
    public var businessRule: String?
    /// The business's number the caller dialled, when the telephony provider said.
    public var calledNumber: String?
    /// When and how the call ended, once the telephony provider said so.
    public var endedAt: Date?
    public var durationSeconds: Int?
    public var endReason: String?
    public var outcomes: [CallOutcome]
    /// The tools the assistant ran, by name, sorted.
    public var tools: [String]

    public init(
        id: String, caller: String?, persona: String, startedAt: Date, lastTurnAt: Date, turns: Int, businessRule: String?,
        calledNumber: String? = nil, endedAt: Date? = nil, durationSeconds: Int? = nil, endReason: String? = nil,
        outcomes: [CallOutcome], tools: [String]
    ) {
        self.id = id
        self.caller = caller
        self.persona = persona
        self.startedAt = startedAt
        self.lastTurnAt = lastTurnAt
        self.turns = turns
        self.businessRule = businessRule
        self.calledNumber = calledNumber
        self.endedAt = endedAt
        self.durationSeconds = durationSeconds
        self.endReason = endReason
        self.outcomes = outcomes
        self.tools = tools
    }
}

/// A whole call: every turn with what the caller said, the tool calls run for it and the
/// answer, and the appointments the call changed.
public struct CallTranscript: Sendable, Equatable {
    public var call: CallRecord
    public var turns: [Turn]
    public var changes: [AppointmentChange]

    public init(call: CallRecord, turns: [Turn], changes: [AppointmentChange]) {
        self.call = call
        self.turns = turns
        self.changes = changes
    }

    public struct Turn: Sendable, Equatable {
        public var requestID: String
        public var startedAt: Date
        public var durationMilliseconds: Int
        public var callerText: String?
        public var answer: String?
        public var finishReason: String?
        public var error: String?
        public var streamed: Bool
        /// The assistant's own tool calls, run by FrontDesk.
        public var toolCalls: [ToolCall]
        /// Tool calls handed to the telephony client (transfer, hang up …).
        public var clientToolCalls: [ToolCall]
        /// What FrontDesk kept from the caller's ears, or said instead: `(kind, text)`.
        public var interventions: [Intervention]

        public init(
            requestID: String, startedAt: Date, durationMilliseconds: Int, callerText: String?, answer: String?, finishReason: String?,
            error: String?, streamed: Bool, toolCalls: [ToolCall], clientToolCalls: [ToolCall], interventions: [Intervention] = []
        ) {
            self.requestID = requestID
            self.startedAt = startedAt
            self.durationMilliseconds = durationMilliseconds
            self.callerText = callerText
            self.answer = answer
            self.finishReason = finishReason
            self.error = error
            self.streamed = streamed
            self.toolCalls = toolCalls
            self.clientToolCalls = clientToolCalls
            self.interventions = interventions
        }
    }

    /// One speech-guard intervention in a turn (`unkept_claim`, `corrective_round`, `safe_line`, `markup`, `repeated_filler`).
    public struct Intervention: Sendable, Equatable {
        public var kind: String
        public var text: String

        public init(kind: String, text: String) {
            self.kind = kind
            self.text = text
        }
    }

    public struct ToolCall: Sendable, Equatable {
        public var id: String
        public var name: String
        /// The arguments as the model sent them (JSON text).
        public var arguments: String
        /// What the tool answered (JSON text), when it ran.
        public var result: String?
        public var durationMilliseconds: Int?
        /// The audit row's outcome (`ok`, `refused:slot_unavailable`, …) and id.
        public var outcome: String?
        public var auditID: Int64?

        public init(
            id: String, name: String, arguments: String, result: String? = nil, durationMilliseconds: Int? = nil, outcome: String? = nil,
            auditID: Int64? = nil
        ) {
            self.id = id
            self.name = name
            self.arguments = arguments
            self.result = result
            self.durationMilliseconds = durationMilliseconds
            self.outcome = outcome
            self.auditID = auditID
        }
    }
}
