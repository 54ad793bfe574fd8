import Foundation
import Hummingbird
import OpenAIWire
import Reception
import Scheduling

/// `/api/v1/appointments`: the book for staff. Every write goes through the front desk as the
/// staff member the key names, under the same rules as a caller.
struct AppointmentsAPIController: Sendable {
    let maxBodyBytes: Int

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("appointments", use: list)
        group.get("appointments/export", use: export)
        group.post("appointments", use: create)
        group.get("appointments/:id", use: show)
        group.post("appointments/:id/cancel", use: cancel)
        group.post("appointments/:id/reschedule", use: reschedule)
        group.post("appointments/:id/confirm", use: confirm)
    }

    @Sendable func list(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let query = QueryParameters(request)
        let (filter, page) = (try Self.filter(query), try query.page())
        let view = try await Self.view(staff)
        let found = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.appointments(filter, page: page, for: staff.actor)
        }
        return StaffResponse.json(StaffJSON.list(found.items.map { view.appointment($0) }, next: found.next))
    }

    @Sendable func export(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let query = QueryParameters(request)
        let (format, filter) = (try TableExport.format(query), try Self.filter(query))
        let view = try await Self.view(staff)
        return try await TableExport(format: format, filename: "appointments", columns: Self.exportColumns).response { cursor in
            let page = try await StaffResponse.attempt { () async throws(FrontDeskError) in
                try await staff.desk.appointments(filter, page: PageRequest(limit: 200, after: cursor), for: staff.actor)
            }
            return Page(items: page.items.map { view.appointment($0) }, next: page.next)
        }
    }

    @Sendable func show(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try StaffResponse.pathID(context, "appointment")
        let view = try await Self.view(staff)
        let record = try await StaffResponse.attempt { () async throws(FrontDeskError) in try await staff.desk.appointment(id: id, for: staff.actor) }
        return StaffResponse.json(view.appointment(record, withChanges: true))
    }

    @Sendable func create(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let key = try StaffResponse.idempotencyKey(request)
        let body = try await JSONBody.read(request, limit: maxBodyBytes)
        let view = try await Self.view(staff)
        let appointmentRequest = AppointmentRequest(
            serviceID: try body.string("service_id"), providerID: try body.optionalString("provider_id"),
            locationID: try body.optionalString("location_id"), start: try body.instant("start", clock: view.clock),
            notes: try body.optionalString("notes"), patientID: try body.identifier("patient_id"), requestKey: key)
        let booked = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.book(appointmentRequest, for: staff.actor, now: Date())
        }
        return try await respond(with: booked.id, staff: staff, view: view, status: .created)
    }

    @Sendable func cancel(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try StaffResponse.pathID(context, "appointment")
        let body = try await JSONBody.read(request, limit: maxBodyBytes)
        let reason = try body.optionalString("reason")
        let view = try await Self.view(staff)
        let cancelled = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.cancel(appointmentID: id, reason: reason, for: staff.actor, now: Date())
        }
        return try await respond(with: cancelled.appointment.id, staff: staff, view: view)
    }

    @Sendable func reschedule(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try StaffResponse.pathID(context, "appointment")
        let key = try StaffResponse.idempotencyKey(request)
        let body = try await JSONBody.read(request, limit: maxBodyBytes)
        let view = try await Self.view(staff)
        let (start, provider, location) = (try body.instant("start", clock: view.clock), try body.optionalString("provider_id"),
                                           try body.optionalString("location_id"))
        let moved = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.reschedule(appointmentID: id, to: start, providerID: provider, locationID: location, requestKey: key,
                                            for: staff.actor, now: Date())
        }
        return try await respond(with: moved.id, staff: staff, view: view)
    }

    @Sendable func confirm(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try StaffResponse.pathID(context, "appointment")
        _ = try await JSONBody.read(request, limit: maxBodyBytes)
        let view = try await Self.view(staff)
        let confirmed = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.confirm(appointmentID: id, for: staff.actor, now: Date())
        }
        return try await respond(with: confirmed.id, staff: staff, view: view)
    }

    /// Answers a write with the appointment as it now stands (patient, names, times).
    private func respond(with id: Int64, staff: StaffAccess, view: StaffJSON, status: HTTPResponse.Status = .ok) async throws -> Response {
        let record = try await StaffResponse.attempt { () async throws(FrontDeskError) in try await staff.desk.appointment(id: id, for: staff.actor) }
        return StaffResponse.json(view.appointment(record), status: status)
    }

    static func view(_ staff: StaffAccess) async throws -> StaffJSON {
        StaffJSON(profile: try await StaffResponse.attempt { () async throws(FrontDeskError) in try await staff.desk.profile() })
    }

    static func filter(_ query: QueryParameters) throws -> AppointmentFilter {
        let filter = AppointmentFilter(
            from: try query.localDate("from"), to: try query.localDate("to"), providerID: query.string("provider_id"),
            locationID: query.string("location_id"), serviceID: query.string("service_id"),
            status: try query.oneOf("status", Appointment.Status.self), patientID: try query.identifier("patient_id"),
            phoneDigits: try query.digits("phone"))
        if let from = filter.from, let to = filter.to, to < from { throw QueryParameters.invalid("to", "must not be before 'from'") }
        return filter
    }

    static let exportColumns: [TableExport.Column] = [
        TableExport.column("id"), TableExport.column("status"), TableExport.column("start"), TableExport.column("end"),
        TableExport.column("start_local"), TableExport.column("end_local"), TableExport.column("time_zone"),
        TableExport.column("patient_id", "patient.id"), TableExport.column("patient_first_name", "patient.first_name", text: true),
        TableExport.column("patient_last_name", "patient.last_name", text: true), TableExport.column("patient_phone", "patient.phone"),
        TableExport.column("provider_id", "provider.id"), TableExport.column("provider_name", "provider.name", text: true),
        TableExport.column("service_id", "service.id"), TableExport.column("service_name", "service.name", text: true),
        TableExport.column("location_id", "location.id"), TableExport.column("location_name", "location.name", text: true),
        TableExport.column("notes", text: true), TableExport.column("cancel_reason", text: true), TableExport.column("rescheduled_from"),
        TableExport.column("confirmed_at"), TableExport.column("conversation_id"), TableExport.column("created_at"),
        TableExport.column("updated_at"),
    ]
}
