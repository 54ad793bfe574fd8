import Foundation
import Scheduling

/// A name + date of birth someone gave as theirs.
public struct IdentityClaim: Sendable, Equatable {
    public var firstName: String
    public var lastName: String
    public var dateOfBirth: String

    public init(firstName: String, lastName: String, dateOfBirth: String) {
        self.firstName = firstName
        self.lastName = lastName
        self.dateOfBirth = dateOfBirth
    }
}

/// Where a claim came from: kept with every attempt, and the keys its budget is counted by.
public struct ClaimSource: Sendable, Equatable {
    public var conversationID: String
    /// The calling number, when the call has one.
    public var callerNumber: String?
    /// The tool that asked (`search_patients`, `create_patient`).
    public var tool: String

    public init(conversationID: String, callerNumber: String?, tool: String) {
        self.conversationID = conversationID
        self.callerNumber = callerNumber
        self.tool = tool
    }
}

/// How many answers that deny a name + date of birth (or register a new one) one caller
/// number may get, and one patient name may be the subject of, within `window`. Kept in the
/// file, so neither a new call id nor a restart resets it.
public struct VerificationBudget: Sendable, Equatable {
    public var perCallerNumber: Int
    public var perPatientName: Int
    public var window: TimeInterval

    public init(perCallerNumber: Int = 10, perPatientName: Int = 5, window: TimeInterval = 24 * 3600) {
        self.perCallerNumber = perCallerNumber
        self.perPatientName = perPatientName
        self.window = window
    }
}

public enum VerificationOutcome: Sendable, Equatable {
    /// Exactly one record matched, and the calling number (when it belongs to anyone) is its.
    case verified(Patient)
    /// Nobody, several, or someone not on this phone: one answer for all, so it is no oracle.
    case denied
    /// The caller number's or the name's budget is spent; nothing was looked up.
    case overBudget
}

public enum RegistrationOutcome: Sendable, Equatable {
    case created(Patient)
    case duplicate
    case overBudget
}
