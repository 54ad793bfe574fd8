import Scheduling

/// How a call ended up, read from what it left behind: the changes its conversation made,
/// the calls it handed to the telephony client, and failed turns. A call may have several.
public enum CallOutcome: String, Sendable, CaseIterable {
    case booked, rescheduled, cancelled, confirmed
    /// A turn handed a transfer tool call back to the telephony client.
    case transferred
    /// A turn failed (upstream error, timeout, …).
    case failed
    /// None of the above: the caller asked and was answered.
    case info
}

/// Which calls staff want to see. Every field narrows; nil means any.
public struct CallFilter: Sendable, Equatable {
    /// First local date (in the business's zone) a call may start on.
    public var from: LocalDate?
    /// Last local date (inclusive).
    public var to: LocalDate?
    /// Digits that must appear somewhere in the calling number.
    public var callerDigits: String?
    public var outcome: CallOutcome?
    /// A tool the assistant ran during the call.
    public var tool: String?
    public var persona: String?

    public init(
        from: LocalDate? = nil, to: LocalDate? = nil, callerDigits: String? = nil, outcome: CallOutcome? = nil, tool: String? = nil,
        persona: String? = nil
    ) {
        self.from = from
        self.to = to
        self.callerDigits = callerDigits
        self.outcome = outcome
        self.tool = tool
        self.persona = persona
    }
}
