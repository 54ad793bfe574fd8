/// Who made a change and through which channel: written, in the same transaction as the
/// change, into the audit trail and into the change's outbox event.
public struct ChangeRecord: Sendable, Equatable {
    public enum ActorKind: String, Sendable {
        case caller, staff, system
    }

    public var actorKind: ActorKind
    /// `patient:<id>` for a caller, the staff member's id, or the system job's name.
    public var actorID: String?
    public var conversationID: String?
    /// `voice`, `sms`, `api`, `console`, `cli` or `system`.
    public var channel: String

    public init(actorKind: ActorKind, actorID: String?, conversationID: String?, channel: String) {
        self.actorKind = actorKind
        self.actorID = actorID
        self.conversationID = conversationID
        self.channel = channel
    }

    /// A change FrontDesk makes by itself (`seed`, `import`, a test fixture).
    public static func system(_ job: String) -> ChangeRecord {
        ChangeRecord(actorKind: .system, actorID: job, conversationID: nil, channel: "system")
    }
}
