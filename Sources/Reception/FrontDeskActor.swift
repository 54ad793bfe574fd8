/// Who asks the front desk to do something. Every use case takes one and decides from it
/// alone what may be read or changed: authority comes from the request (the call, the staff
/// session, the job), never from arguments a model or a client chose.
public enum FrontDeskActor: Sendable {
    /// A caller on a call or a text conversation: acts only for the patient the call
    /// identifies (the calling number) or verified (name + date of birth, in this conversation).
    case caller(CallerSession)
    /// A member of the business's staff: acts for any patient of that business.
    case staff(StaffMember)
    /// FrontDesk itself (the demo seed, imports, reminders): acts for any patient.
    case system(job: String)

    /// How the change is written into the audit trail.
    func change(actingFor patientID: Int64?) -> ChangeRecord {
        switch self {
        case .caller(let session):
            ChangeRecord(actorKind: .caller, actorID: patientID.map { "patient:\($0)" }, conversationID: session.conversationID,
                         channel: session.channel)
        case .staff(let member):
            ChangeRecord(actorKind: .staff, actorID: member.id, conversationID: nil, channel: member.channel)
        case .system(let job):
            ChangeRecord(actorKind: .system, actorID: job, conversationID: nil, channel: "system")
        }
    }
}

/// One call (or text conversation) as the front desk sees it.
public struct CallerSession: Sendable {
    /// The conversation's stable key: holds and exactly-once keys belong to it.
    public var conversationID: String
    /// The calling number in E.164, as the telephony provider reported it.
    public var callerNumber: String?
    /// `voice` or `sms`: recorded with every change.
    public var channel: String
    /// Who this turn acts for (shared by the turn's parallel tool calls).
    public var identity: TurnIdentity

    public init(conversationID: String, callerNumber: String?, channel: String = "voice", identity: TurnIdentity = TurnIdentity()) {
        self.conversationID = conversationID
        self.callerNumber = callerNumber
        self.channel = channel
        self.identity = identity
    }
}

/// A staff member acting through the console, the REST API or the command line.
public struct StaffMember: Sendable, Equatable {
    public var id: String
    /// `console`, `api` or `cli`.
    public var channel: String

    public init(id: String, channel: String) {
        self.id = id
        self.channel = channel
    }
}
