import Foundation
import Hummingbird
import OpenAIWire
import Reception
import Scheduling

/// The console's appointments: the filtered list, one appointment with its history, and
/// booking, cancelling, moving and confirming by hand, all through the front desk as the
/// signed-in user, under the same rules as a caller.
struct ConsoleAppointmentsController: Sendable {
    let renderer: ConsoleRenderer

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("appointments", use: list)
        group.get("appointments/export", use: export)
        group.get("appointments/new", use: newForm)
        group.post("appointments", use: create)
        group.get("appointments/:id", use: show)
        group.post("appointments/:id/cancel") { request, context in try await change(request, context, action: .cancel) }
        group.post("appointments/:id/reschedule") { request, context in try await change(request, context, action: .reschedule) }
        group.post("appointments/:id/confirm") { request, context in try await change(request, context, action: .confirm) }
    }

    @Sendable func list(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let console = try await ConsoleRequest.load(context)
        let query = QueryParameters(request)
        var error: String?
        var filter = AppointmentFilter(), page = PageRequest(limit: 50)
        do {
            filter = try AppointmentsAPIController.filter(query)
            page = try query.page()
        } catch let refusal as OpenAIHTTPError {
            error = refusal.body.message
        }
        let (desk, actor) = (console.desk, console.actor)
        let found = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in try await desk.appointments(filter, page: page, for: actor) }
        let filters = Self.filterQuery(query)
        return renderer.page("appointments", console.page("Appointments", tab: "Appointments", [
            "error": ConsoleViews.some(error), "appointments": found.items.map(console.views.appointment), "empty": found.items.isEmpty,
            "next": ConsoleViews.some(found.next.map { "/console/appointments?" + filters + "&cursor=" + QueryParameters.encodeCursor($0) }),
            "exportCSV": "/console/appointments/export?format=csv&" + filters,
            "exportJSONL": "/console/appointments/export?format=jsonl&" + filters,
            "from": query.string("from") ?? "", "to": query.string("to") ?? "", "phone": query.string("phone") ?? "",
            "providers": console.views.providers(selected: query.string("provider_id")),
            "services": console.views.services(selected: query.string("service_id")),
            "locations": console.views.locations(selected: query.string("location_id")),
            "statuses": ConsoleViews.options(Appointment.Status.allCases.map(\.rawValue), selected: query.string("status")),
        ]), status: error == nil ? .ok : .badRequest)
    }

    /// The same export as the API's, for the signed-in user's business.
    @Sendable func export(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        try await AppointmentsAPIController(maxBodyBytes: FormData.limit).export(request, context: context)
    }

    @Sendable func newForm(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let console = try await ConsoleRequest.load(context)
        let query = QueryParameters(request)
        return bookForm(console, values: ["patient_id": query.string("patient_id") ?? ""], error: nil, status: .ok)
    }

    @Sendable func create(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let console = try await ConsoleRequest.load(context)
        let form = try await FormData.read(request)
        do {
            guard let patient = form["patient_id"].flatMap({ Int64($0) }), patient > 0 else {
                throw JSONBody.invalid("patient_id", "must be a patient's number (see Patients)")
            }
            guard let service = form["service_id"] else { throw JSONBody.invalid("service_id", "is required") }
            guard let text = form["start"], let start = console.views.clock.instant(parsing: text) else {
                throw JSONBody.invalid("start", "must be a date and time")
            }
            let appointment = AppointmentRequest(serviceID: service, providerID: form["provider_id"], start: start, notes: form["notes"],
                                                 patientID: patient)
            let (desk, actor) = (console.desk, console.actor)
            let booked = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in try await desk.book(appointment, for: actor, now: Date()) }
            return ConsoleRenderer.redirect(to: "/console/appointments/\(booked.id)?notice=booked")
        } catch let refusal as OpenAIHTTPError {
            return bookForm(console, values: form.fields, error: refusal.body.message, status: refusal.status)
        }
    }

    private func bookForm(_ console: ConsoleRequest, values: [String: String], error: String?, status: HTTPResponse.Status) -> Response {
        renderer.page("book", console.page("Book an appointment", tab: "Appointments", [
            "error": ConsoleViews.some(error), "patientID": values["patient_id"] ?? "", "start": values["start"] ?? "", "notes": values["notes"] ?? "",
            "services": console.views.services(selected: values["service_id"]),
            "providers": console.views.providers(selected: values["provider_id"]),
        ]), status: status)
    }

    @Sendable func show(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let console = try await ConsoleRequest.load(context)
        let notice = QueryParameters(request).string("notice")
        return try await page(console, id: try StaffResponse.pathID(context, "appointment"), notice: notice.flatMap { Self.notices[$0] },
                              error: nil, status: .ok)
    }

    enum Action { case cancel, reschedule, confirm }

    func change(_ request: Request, _ context: FrontDeskRequestContext, action: Action) async throws -> Response {
        let console = try await ConsoleRequest.load(context)
        let id = try StaffResponse.pathID(context, "appointment")
        let form = try await FormData.read(request)
        let (desk, actor) = (console.desk, console.actor)
        do {
            switch action {
            case .cancel:
                let reason = form["reason"].map { String($0.prefix(500)) }
                _ = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in
                    try await desk.cancel(appointmentID: id, reason: reason, for: actor, now: Date())
                }
                return ConsoleRenderer.redirect(to: "/console/appointments/\(id)?notice=cancelled")
            case .reschedule:
                guard let text = form["start"], let start = console.views.clock.instant(parsing: text) else {
                    throw JSONBody.invalid("start", "must be a date and time")
                }
                let moved = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in
                    try await desk.reschedule(appointmentID: id, to: start, providerID: form["provider_id"], locationID: nil, for: actor, now: Date())
                }
                return ConsoleRenderer.redirect(to: "/console/appointments/\(moved.id)?notice=rescheduled")
            case .confirm:
                _ = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in
                    try await desk.confirm(appointmentID: id, for: actor, now: Date())
                }
                return ConsoleRenderer.redirect(to: "/console/appointments/\(id)?notice=confirmed")
            }
        } catch let refusal as OpenAIHTTPError where refusal.status != .notFound {
            return try await page(console, id: id, notice: nil, error: refusal.body.message, status: refusal.status)
        }
    }

    private func page(_ console: ConsoleRequest, id: Int64, notice: String?, error: String?, status: HTTPResponse.Status) async throws -> Response {
        let (desk, actor) = (console.desk, console.actor)
        let record: AppointmentRecord
        do {
            record = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in try await desk.appointment(id: id, for: actor) }
        } catch let refusal as OpenAIHTTPError where refusal.status == .notFound {
            return renderer.page("not-found", console.page("Not found", tab: "Appointments", ["what": "appointment"]), status: .notFound)
        }
        var data = console.views.appointment(record)
        data["changes"] = record.changes.map(console.views.change)
        // The call that made it is in its history (the row's conversation is the last to change it).
        let made = record.changes.first { $0.action == "booking.created" || $0.action == "booking.rescheduled" }
        data["conversationPath"] = ConsoleViews.some(made?.conversationID.map(ConsoleViews.callPath))
        return renderer.page("appointment", console.page("Appointment \(id)", tab: "Appointments", [
            "appointment": data, "notice": ConsoleViews.some(notice), "error": ConsoleViews.some(error),
            "providers": console.views.providers(selected: record.appointment.providerID),
        ]), status: status)
    }

    static let notices = [
        "booked": "Booked.", "cancelled": "Cancelled. The time is free again.", "rescheduled": "Moved. This is the new appointment.",
        "confirmed": "Marked as confirmed.",
    ]

    /// The list's filters again, for the next page and the export links.
    static func filterQuery(_ query: QueryParameters) -> String {
        ["from", "to", "provider_id", "location_id", "service_id", "status", "phone", "patient_id"].compactMap { name in
            query.string(name).map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        }.joined(separator: "&")
    }
}
