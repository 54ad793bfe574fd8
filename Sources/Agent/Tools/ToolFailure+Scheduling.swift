import Foundation
import OpenAIWire
import Scheduling

extension ToolFailure {
    /// The one place a calendar refusal becomes what the model reads: a stable machine code
    /// and a sentence it can say. Alternatives offered with `slot_unavailable` are spoken slots.
    /// Nothing here names another patient or an internal id beyond what the caller may know.
    init(_ error: SchedulingError, voice: CalendarVoice?) {
        switch error {
        case .slotUnavailable(let alternatives):
            let offers = alternatives.prefix(5).compactMap { voice?.slot($0) }
            self.init(code: "slot_unavailable", message: error.message, details: ["alternatives": .array(Array(offers))])
        case .outsideHours:
            self.init(code: "outside_hours", message: error.message)
        case .closedDate:
            self.init(code: "closed", message: error.message)
        case .insideMinimumNotice(let minutes):
            self.init(code: "minimum_notice", message: error.message, details: ["minimum_notice_minutes": .int(minutes)])
        case .beyondHorizon(let days):
            self.init(code: "beyond_horizon", message: error.message, details: ["horizon_days": .int(days)])
        case .inPast:
            self.init(code: "in_past", message: error.message)
        case .notFound(let what):
            self.init(code: "not_found", message: error.message, details: ["what": .string(what)])
        case .invalid(let field, let message):
            self = .invalidArguments(field: field, "\(field): \(message)")
        case .duplicatePatient:
            // Never the existing record's id or details: the caller may not be that person.
            self.init(code: "duplicate_patient",
                      message: "A patient with these details is already on file. Ask for their name and date of birth and verify them with search_patients instead.")
        case .holdExpired:
            self.init(code: "hold_expired", message: error.message)
        case .notBooked:
            self.init(code: "not_booked", message: error.message)
        case .patientBusy(let existingID):
            // The caller's own appointment (authority was checked before booking), so its id may be named.
            self.init(code: "patient_conflict", message: error.message + " Offer to move that one instead, or pick another time.",
                      details: ["appointment_id": .int(Int(existingID))])
        case .storageReplaced:
            // Nothing was written, and the model must not say otherwise.
            self = .calendarUnavailable
        }
    }

    /// Any other failure of the calendar (I/O, a locked file): said without internals.
    static let calendarUnavailable = ToolFailure(
        code: "calendar_unavailable",
        message: "The calendar could not be reached just now. Apologise, and offer to try again or take a message.")

    /// Runs a calendar operation, turning whatever it throws into a `ToolFailure`.
    static func attempt<T>(voice: CalendarVoice?, _ body: () throws -> T) throws(ToolFailure) -> T {
        do {
            return try body()
        } catch let failure as ToolFailure {
            throw failure
        } catch let error as SchedulingError {
            throw ToolFailure(error, voice: voice)
        } catch {
            throw calendarUnavailable
        }
    }
}
