import Foundation
import Hummingbird
import Reception
import Scheduling

/// The console's patients: search, and one patient with upcoming and past appointments and calls.
struct ConsolePatientsController: Sendable {
    let renderer: ConsoleRenderer

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("patients", use: list)
        group.get("patients/:id", use: show)
    }

    @Sendable func list(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let console = try await ConsoleRequest.load(context)
        let query = QueryParameters(request)
        let text = query.string("q").map { String($0.prefix(100)) }
        let page = (try? query.page()) ?? PageRequest(limit: 50)
        let (desk, actor) = (console.desk, console.actor)
        let found = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in
            try await desk.patients(matching: text, page: page, for: actor)
        }
        let q = text.flatMap { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) } ?? ""
        return renderer.page("patients", console.page("Patients", tab: "Patients", [
            "q": text ?? "", "patients": found.items.map(ConsoleViews.patient), "empty": found.items.isEmpty,
            "next": ConsoleViews.some(found.next.map { "/console/patients?q=\(q)&cursor=" + QueryParameters.encodeCursor($0) }),
        ]))
    }

    @Sendable func show(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let console = try await ConsoleRequest.load(context)
        let id = try StaffResponse.pathID(context, "patient")
        let (desk, actor) = (console.desk, console.actor)
        let now = Date()
        do {
            let (patient, appointments, calls) = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in
                let patient = try await desk.patient(id: id, for: actor)
                let appointments = try await desk.appointments(AppointmentFilter(patientID: id), page: PageRequest(limit: 200), for: actor)
                return (patient, appointments.items, try await desk.calls(of: patient, limit: 50, for: actor))
            }
            let upcoming = appointments.filter { $0.appointment.start >= now }
            let past = appointments.filter { $0.appointment.start < now }.reversed()
            return renderer.page("patient", console.page("\(patient.firstName) \(patient.lastName)", tab: "Patients", [
                "patient": ConsoleViews.patient(patient), "upcoming": upcoming.map(console.views.appointment),
                "past": past.map(console.views.appointment), "calls": calls.map(console.views.call),
                "noUpcoming": upcoming.isEmpty, "noPast": past.isEmpty, "noCalls": calls.isEmpty,
            ]))
        } catch let refusal as OpenAIHTTPError where refusal.status == .notFound {
            return renderer.page("not-found", console.page("Not found", tab: "Patients", ["what": "patient"]), status: .notFound)
        }
    }
}
