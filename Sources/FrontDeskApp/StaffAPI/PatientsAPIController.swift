import Foundation
import Hummingbird
import OpenAIWire
import Reception
import Scheduling

/// `/api/v1/patients`: search, read (with appointments and calls), add, change contact details.
struct PatientsAPIController: Sendable {
    let maxBodyBytes: Int

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("patients", use: list)
        group.post("patients", use: create)
        group.get("patients/:id", use: show)
        group.patch("patients/:id", use: update)
    }

    @Sendable func list(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let query = QueryParameters(request)
        let (text, page) = (query.string("q"), try query.page())
        if let text, text.count > 100 { throw QueryParameters.invalid("q", "must be at most 100 characters") }
        let found = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.patients(matching: text, page: page, for: staff.actor)
        }
        return StaffResponse.json(StaffJSON.list(found.items.map(StaffJSON.patient), next: found.next))
    }

    /// The patient, their appointments (every status, by start; up to 200) and their calls (newest 50).
    @Sendable func show(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try StaffResponse.pathID(context, "patient")
        let view = try await AppointmentsAPIController.view(staff)
        let (patient, appointments, calls) = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            let patient = try await staff.desk.patient(id: id, for: staff.actor)
            let appointments = try await staff.desk.appointments(AppointmentFilter(patientID: id), page: PageRequest(limit: 200), for: staff.actor)
            let calls = try await staff.desk.calls(of: patient, limit: 50, for: staff.actor)
            return (patient, appointments.items, calls)
        }
        guard case .object(var object) = StaffJSON.patient(patient) else { return StaffResponse.json(.null) }
        object["appointments"] = .array(appointments.map { view.appointment($0) })
        object["calls"] = .array(calls.map(StaffJSON.call))
        return StaffResponse.json(.object(object))
    }

    @Sendable func create(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let key = try StaffResponse.idempotencyKey(request)
        let body = try await JSONBody.read(request, limit: maxBodyBytes)
        let patient = NewPatient(
            firstName: try body.string("first_name"), lastName: try body.string("last_name"), dateOfBirth: try body.string("date_of_birth"),
            phone: try body.optionalString("phone"), email: try body.optionalString("email", maxLength: 254), preferredProviderID: try body.optionalString("preferred_provider_id"))
        let created = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.createPatient(patient, requestKey: key, for: staff.actor, now: Date())
        }
        return StaffResponse.json(StaffJSON.patient(created), status: .created)
    }

    @Sendable func update(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try StaffResponse.pathID(context, "patient")
        let body = try await JSONBody.read(request, limit: maxBodyBytes)
        let update = ContactUpdate(phone: try body.contactField("phone"), email: try body.contactField("email"))
        let updated = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.updateContact(patientID: id, update, for: staff.actor, now: Date())
        }
        return StaffResponse.json(StaffJSON.patient(updated))
    }
}
