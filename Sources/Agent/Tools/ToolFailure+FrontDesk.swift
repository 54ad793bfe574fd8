import Foundation
import OpenAIWire
import Reception
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
        case .outsideHours, .notWorkingThen:
            self.init(code: error.code, message: error.message)
        case .runsPastClosing(let minutes):
            self.init(code: error.code, message: error.message, details: ["duration_minutes": .int(minutes)])
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

    /// The one place a use-case refusal becomes what the model reads.
    init(_ error: FrontDeskError, voice: CalendarVoice?) {
        switch error {
        case .refused(let refusal):
            self.init(refusal, voice: voice)
        case .verificationRequired:
            self.init(
                code: "verification_required",
                message: "I don't know who is calling yet. Ask for the patient's full name and date of birth, then call search_patients to verify them (or create_patient for someone new).")
        case .tooManyAttempts:
            self.init(
                code: "too_many_attempts",
                message: "Too many verification attempts. Do not try again; offer to transfer the caller to the front desk staff.")
        case .duplicatePatient:
            self.init(
                code: "duplicate_patient",
                message: "That person may already be registered. Verify them with search_patients instead, or offer to transfer the caller to the front desk staff.")
        case .notPermitted(let why):
            self.init(code: "not_permitted", message: why)
        case .keyReused:
            // Callers' keys are built from the request itself, so a tool never meets this.
            self.init(code: "not_permitted", message: "That request conflicts with an earlier one.")
        case .unavailable, .replaced:
            self = .calendarUnavailable
        }
    }

    /// Any other failure of the calendar (I/O, a locked file): said without internals.
    static let calendarUnavailable = ToolFailure(
        code: "calendar_unavailable",
        message: "The calendar could not be reached just now. Apologise, and offer to try again or take a message.")

    /// Runs a front-desk operation, turning its refusal into a `ToolFailure` (spoken slots
    /// for the alternatives when `voice` is given).
    static func attempt<T>(voice: CalendarVoice?, _ body: () async throws(FrontDeskError) -> T) async throws(ToolFailure) -> T {
        do {
            return try await body()
        } catch {
            throw ToolFailure(error, voice: voice)
        }
    }
}
