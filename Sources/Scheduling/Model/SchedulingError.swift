/// Every way a scheduling request can be refused, each with a machine `code` and a `message`
/// safe to say to a caller (no ids, no SQL, no stack).
public enum SchedulingError: Error, Sendable, Equatable, CustomStringConvertible {
    case slotUnavailable(alternatives: [Slot])
    case outsideHours
    /// We are open then, but nobody who does the service (or not the provider asked for) works then.
    case notWorkingThen(service: String, provider: String?)
    /// The visit would start in working hours but run past their end.
    case runsPastClosing(durationMinutes: Int)
    case closedDate(reason: String?)
    case insideMinimumNotice(minutes: Int)
    case beyondHorizon(days: Int)
    case inPast
    case notFound(String)
    case invalid(field: String, message: String)
    case duplicatePatient(existingID: Int64)
    case holdExpired
    case notBooked
    /// The patient already has a booked appointment overlapping that time (with any provider).
    case patientBusy(existingID: Int64)
    /// The database file was renamed, deleted or replaced under the running process: nothing
    /// written now would be kept, so nothing is written.
    case storageReplaced(path: String)

    public var code: String {
        switch self {
        case .slotUnavailable: "slot_unavailable"
        case .outsideHours: "outside_hours"
        case .notWorkingThen: "not_working_then"
        case .runsPastClosing: "runs_past_closing"
        case .closedDate: "closed_date"
        case .insideMinimumNotice: "inside_minimum_notice"
        case .beyondHorizon: "beyond_horizon"
        case .inPast: "in_past"
        case .notFound: "not_found"
        case .invalid: "invalid_arguments"
        case .duplicatePatient: "duplicate_patient"
        case .holdExpired: "hold_expired"
        case .notBooked: "not_booked"
        case .patientBusy: "patient_conflict"
        case .storageReplaced: "calendar_unavailable"
        }
    }

    public var message: String {
        switch self {
        case .slotUnavailable(let alternatives):
            alternatives.isEmpty
                ? "That time is no longer available."
                : "That time is no longer available, but there are other times close to it."
        case .outsideHours: "That time is outside our opening hours."
        case .notWorkingThen(let service, let provider?):
            "We are open then, but \(provider) does not see patients for a \(service) at that time."
        case .notWorkingThen(let service, nil):
            "We are open then, but nobody who does a \(service) is working at that time."
        case .runsPastClosing(let minutes):
            "A visit of \(minutes) minutes starting then would run past the end of working hours."
        case .closedDate(let reason):
            reason.map { "We are closed that day (\($0))." } ?? "We are closed that day."
        case .insideMinimumNotice(let minutes):
            "That is too soon: we need at least \(Self.spoken(minutes: minutes)) notice."
        case .beyondHorizon(let days): "We can only book up to \(days) days ahead."
        case .inPast: "That time has already passed."
        case .notFound(let what): "I could not find that \(what)."
        case .invalid(let field, let message): "\(field): \(message)"
        case .duplicatePatient: "A patient with these details is already on file."
        case .holdExpired: "The hold on that time has expired."
        case .notBooked: "That appointment is not currently booked."
        case .patientBusy: "You already have an appointment at that time."
        case .storageReplaced: "The calendar cannot be changed right now."
        }
    }

    public var description: String { "\(code): \(message)" }

    private static func spoken(minutes: Int) -> String {
        if minutes % 1440 == 0 { let d = minutes / 1440; return d == 1 ? "one day's" : "\(d) days'" }
        if minutes % 60 == 0 { let h = minutes / 60; return h == 1 ? "one hour's" : "\(h) hours'" }
        return "\(minutes) minutes'"
    }
}
