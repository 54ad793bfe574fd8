import Foundation
import OpenAIWire

/// A destructive change (cancel, reschedule) the assistant was told to read back to the caller,
/// waiting for their yes.
///
/// Two-phase by FrontDesk, not by the prompt: a model once refused another patient's
/// appointment and then cancelled the caller's own, twice, without reading it back. The first
/// call only proposes (`confirmation_required`, with the words to read back); the change
/// commits when the model calls again with the same target in a *later* turn, after the caller
/// has spoken. Proposals are read back from the conversation's own remembered tool results,
/// which FrontDesk wrote and the client never sees, so neither the client nor the model can
/// forge one.
public struct ChangeProposal: Sendable, Hashable {
    public enum Action: String, Sendable {
        case cancel, reschedule
    }

    public var action: Action
    public var appointmentID: Int64
    /// Reschedules only: the new start (Unix seconds) and provider, when one was named.
    public var newStart: Int64?
    public var providerID: String?

    public init(action: Action, appointmentID: Int64, newStart: Date? = nil, providerID: String? = nil) {
        self.action = action
        self.appointmentID = appointmentID
        self.newStart = newStart.map { Int64($0.timeIntervalSince1970.rounded()) }
        self.providerID = providerID
    }

    /// The tool failure code of a proposal.
    public static let code = "confirmation_required"

    /// Whether `confirmation` (the same call made again) asks for this very change. A provider
    /// left out the second time means the one proposed.
    public func isConfirmed(by confirmation: ChangeProposal) -> Bool {
        action == confirmation.action && appointmentID == confirmation.appointmentID && newStart == confirmation.newStart
            && (confirmation.providerID == nil || confirmation.providerID == providerID)
    }

    var json: JSONValue {
        var object: [String: JSONValue] = ["action": .string(action.rawValue), "appointment_id": .int(Int(appointmentID))]
        if let newStart { object["new_start_unix"] = .int(Int(newStart)) }
        if let providerID { object["provider_id"] = .string(providerID) }
        return .object(object)
    }

    init?(json: JSONValue) {
        guard let action = json["action"]?.stringValue.flatMap(Action.init(rawValue:)),
              let id = json["appointment_id"]?.intValue else { return nil }
        self.action = action
        appointmentID = Int64(id)
        newStart = json["new_start_unix"]?.intValue.map(Int64.init)
        providerID = json["provider_id"]?.stringValue
    }

    /// The refusal that proposes the change: nothing changed, what to read back, and how to confirm.
    func failure(readBack: String, tool: String, sameArguments: String) -> ToolFailure {
        ToolFailure(
            code: Self.code,
            message: "Nothing has changed yet. Read this back to the caller and ask them to confirm: \"\(readBack)\". "
                + "Only after they say yes, call \(tool) again with \(sameArguments).",
            details: ["read_back": .string(readBack), "proposal": json])
    }

    /// The holds `hold_slot` made in `rounds` (earlier turns' remembered tool rounds).
    public static func holds(in rounds: [ChatMessage]) -> Set<Int64> {
        Set(rounds.successfulToolResults().filter { $0.tool == "hold_slot" }.compactMap { $0.result["hold_id"]?.intValue.map(Int64.init) })
    }

    /// The proposals made in `turns` (earlier turns of this conversation, as remembered).
    public static func awaitingConfirmation(in turns: [ConversationTurn]) -> [ChangeProposal] {
        var proposals: [ChangeProposal] = []
        for turn in turns {
            for message in turn.internalMessages where message.role == .tool {
                // Cheap test first: most tool results are not proposals.
                guard let text = message.text, text.contains(code),
                      let result = try? JSONValue(parsing: text), result["error"]?["code"]?.stringValue == code,
                      let proposal = result["error"]?["details"]?["proposal"].flatMap(ChangeProposal.init(json:)) else { continue }
                proposals.append(proposal)
            }
        }
        return proposals
    }
}
