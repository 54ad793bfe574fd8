import Scheduling

/// Every way the front desk refuses a request: the use-case layer's one error home. Each
/// channel renders it once, at its edge (a tool result the model can say, a JSON error).
public enum FrontDeskError: Error, Sendable, Equatable {
    /// The calendar's rules said no (taken, closed, too soon, not found, invalid …).
    case refused(SchedulingError)
    /// A caller who is neither recognised by their number nor verified in this conversation.
    case verificationRequired
    /// The caller's verification budget (conversation, number or name) is spent.
    case tooManyAttempts
    /// A registration that matches a patient already on file (which one is never said).
    case duplicatePatient
    /// The actor may not do this at all (a caller asking for the day's schedule).
    case notPermitted(String)
    /// A client's idempotency key came back with a different request than the one it was
    /// first used for: the first result stands and nothing was changed.
    case keyReused
    /// Storage failed; nothing was changed.
    case unavailable
    /// The storage file was renamed, deleted or replaced under the running process: nothing
    /// written now would be kept, so nothing is written (and `/health` says so).
    case replaced
}
