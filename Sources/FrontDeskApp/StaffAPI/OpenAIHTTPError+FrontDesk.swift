import HTTPTypes
import Reception
import Scheduling

extension OpenAIHTTPError {
    /// The one place a use-case refusal becomes HTTP for staff: the status says what kind of
    /// refusal it is (404 unknown, 409 conflicts with the book, 422 against the business's
    /// rules, 503 storage), `code` is the refusal's machine code and `param` names the field.
    init(_ error: FrontDeskError) {
        switch error {
        case .refused(let refusal):
            self.init(refusal)
        case .verificationRequired, .tooManyAttempts:
            // Only callers are asked to verify; staff never reach these.
            self.init(status: .forbidden, message: "Not permitted.", type: "invalid_request_error", code: "not_permitted")
        case .duplicatePatient:
            self.init(status: .conflict, message: "A patient with these details is already on file.", type: "invalid_request_error",
                      code: "duplicate_patient")
        case .notPermitted(let why):
            self.init(status: .forbidden, message: why, type: "invalid_request_error", code: "not_permitted")
        case .keyReused:
            self.init(
                status: .unprocessableContent,
                message: "This Idempotency-Key was already used for a different request; its first result stands and nothing was changed. Use a new key for a new request.",
                type: "invalid_request_error", param: "Idempotency-Key", code: "idempotency_key_reused")
        case .unavailable, .replaced:
            self.init(status: .serviceUnavailable, message: "The calendar cannot be read or changed right now; nothing was changed.",
                      type: "server_error", code: "calendar_unavailable")
        }
    }

    init(_ refusal: SchedulingError) {
        let status: HTTPResponse.Status
        var param: String?
        var message = refusal.message
        switch refusal {
        case .notFound(let what):
            status = .notFound
            message = "No such \(what)."
            param = ["provider": "provider_id", "service": "service_id", "location": "location_id", "patient": "patient_id",
                     "preferred provider": "preferred_provider_id"][what]
        case .invalid(let field, let text):
            status = .badRequest
            param = field
            message = "'\(field)' \(text)."
        case .slotUnavailable, .patientBusy:
            status = .conflict
            param = "start"
        case .outsideHours, .notWorkingThen, .runsPastClosing, .closedDate, .insideMinimumNotice, .beyondHorizon, .inPast:
            status = .unprocessableContent
            param = "start"
        case .duplicatePatient(let existingID):
            status = .conflict
            message = "A patient with the same name or phone and date of birth is already on file (patient \(existingID))."
        case .holdExpired, .notBooked:
            status = .conflict
        case .storageReplaced:
            status = .serviceUnavailable
        }
        self.init(status: status, message: message, type: status == .serviceUnavailable ? "server_error" : "invalid_request_error",
                  param: param, code: refusal.code)
    }
}
