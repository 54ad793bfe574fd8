import Foundation
import Logging
import OpenAIWire
import Reception

/// What a tool knows about the call it runs in. Authority (whose appointments it may touch)
/// comes from here, never from the model's arguments.
public struct ToolContext: Sendable {
    public var conversationID: String
    public var callerNumber: String?
    public var now: Date
    public var logger: Logger
    /// Who the turn acts for; one instance per turn, shared by its parallel tool calls.
    public var identity: TurnIdentity
    /// `voice` or `sms`.
    public var channel: String
    /// On a reminder call FrontDesk placed: which reminder (from the call's dynamic variables).
    public var reminderID: Int64?
    /// Changes proposed in earlier turns of this conversation, which the caller has since had
    /// the chance to confirm: the same call made again now commits (`ChangeProposal`).
    public var confirmable: [ChangeProposal]
    /// Holds made in earlier turns of this conversation: booking one of them is the caller's
    /// yes to what was read back; booking a hold made in this very turn is not.
    public var earlierHolds: Set<Int64>

    public init(
        conversationID: String, callerNumber: String?, now: Date, logger: Logger, identity: TurnIdentity = TurnIdentity(),
        channel: String = "voice", reminderID: Int64? = nil, confirmable: [ChangeProposal] = [], earlierHolds: Set<Int64> = []
    ) {
        self.conversationID = conversationID
        self.callerNumber = callerNumber
        self.now = now
        self.logger = logger
        self.identity = identity
        self.channel = channel
        self.reminderID = reminderID
        self.confirmable = confirmable
        self.earlierHolds = earlierHolds
    }

    /// Whether `change` was proposed in an earlier turn (and so may commit now).
    public func isConfirmed(_ change: ChangeProposal) -> Bool {
        confirmable.contains { $0.isConfirmed(by: change) }
    }

    /// The call as the front desk sees it.
    public var caller: CallerSession {
        CallerSession(conversationID: conversationID, callerNumber: callerNumber, channel: channel, identity: identity)
    }

    /// Tools act as the caller of the turn, never as anyone the model names.
    public var actor: FrontDeskActor { .caller(caller) }
}

/// A failed tool call, told to the model as the tool's result so it can recover in words.
public struct ToolFailure: Error, Sendable, Equatable {
    /// Machine-readable: `invalid_arguments`, `not_found`, `slot_unavailable`, `unknown_tool`, …
    public var code: String
    public var message: String
    public var details: JSONValue?

    public init(code: String, message: String, details: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var json: JSONValue {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let details { error["details"] = details }
        return ["ok": false, "error": .object(error)]
    }
}

/// One of FrontDesk's own tools: a schema the model sees and the code that runs it.
public protocol AgentTool: Sendable {
    var definition: ToolDefinition { get }
    /// Runs the call. Arguments are already parsed JSON; validate them and throw
    /// `ToolFailure` (e.g. `invalid_arguments` naming the field) rather than guessing.
    func run(arguments: JSONValue, context: ToolContext) async throws(ToolFailure) -> JSONValue
}
