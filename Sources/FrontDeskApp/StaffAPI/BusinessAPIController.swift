import Foundation
import Hummingbird
import OpenAIWire
import Reception
import Scheduling

/// `/api/v1/business`, its providers, services and locations, and availability: the profile
/// in its import format (what `frontdesk business import` reads, so a GET can be edited and
/// PUT back), and the same slot search the voice tool makes.
struct BusinessAPIController: Sendable {
    let maxBodyBytes: Int

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("business", use: show)
        group.put("business", use: replace)
        group.get("providers") { request, context in try await list(context) { $0.providers.map(StaffJSON.encoded) } }
        group.get("services") { request, context in try await list(context) { $0.services.map(StaffJSON.encoded) } }
        group.get("locations") { request, context in try await list(context) { $0.locations.map(StaffJSON.encoded) } }
        group.get("availability", use: availability)
    }

    @Sendable func show(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let profile = try await StaffResponse.attempt { () async throws(FrontDeskError) in try await staff.desk.profile() }
        return StaffResponse.json(StaffJSON.encoded(profile))
    }

    @Sendable func replace(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await JSONBody.read(request, limit: maxBodyBytes)
        let profile: BusinessProfile
        do {
            profile = try JSONDecoder().decode(BusinessProfile.self, from: Data(JSONValue.object(body.fields).serialized()))
        } catch let error as DecodingError {
            let (path, message) = ProfileDecodingError.describe(error)
            throw OpenAIHTTPError.invalidRequest("The profile is not in the import format: \(path.isEmpty ? "" : path + ": ")\(message).",
                                                 param: path.isEmpty ? nil : path, code: "invalid_arguments")
        }
        try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.replaceProfile(profile, for: staff.actor, now: Date())
        }
        return try await show(request, context: context)
    }

    private func list(_ context: FrontDeskRequestContext, _ items: (BusinessProfile) -> [JSONValue]) async throws -> Response {
        let staff = try context.requireStaff()
        let profile = try await StaffResponse.attempt { () async throws(FrontDeskError) in try await staff.desk.profile() }
        return StaffResponse.json(StaffJSON.list(items(profile), next: nil))
    }

    /// Free slots: the voice tool's search, for staff (no caller, so no preferred provider first).
    @Sendable func availability(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let query = QueryParameters(request)
        guard let service = query.string("service_id") else { throw QueryParameters.invalid("service_id", "is required") }
        let timeOfDay: TimeOfDayFilter
        switch query.string("time_of_day") ?? "any" {
        case "any": timeOfDay = .any
        case "morning": timeOfDay = .morning
        case "afternoon": timeOfDay = .afternoon
        case "evening": timeOfDay = .evening
        default: throw QueryParameters.invalid("time_of_day", "must be one of any, morning, afternoon, evening")
        }
        let search = AvailabilityQuery(
            serviceID: service, providerID: query.string("provider_id"), locationID: query.string("location_id"),
            from: try query.localDate("from"), to: try query.localDate("to"), timeOfDay: timeOfDay,
            limit: try query.integer("limit", in: 1...50) ?? 10, oneProviderPerTime: false)
        if let from = search.from, let to = search.to, to < from { throw QueryParameters.invalid("to", "must not be before 'from'") }
        let view = try await AppointmentsAPIController.view(staff)
        let found: SlotSearch
        do {
            found = try await StaffResponse.attempt { () async throws(FrontDeskError) in
                try await staff.desk.findSlots(search, for: staff.actor, now: Date())
            }
        } catch var refusal as OpenAIHTTPError where refusal.body.param == "start" {
            // A search has no start: its date range is what the rules refused.
            refusal = OpenAIHTTPError(status: refusal.status, body: OpenAIErrorBody(
                message: refusal.body.message, type: refusal.body.type, param: "from", code: refusal.body.code))
            throw refusal
        }
        return StaffResponse.json(view.availability(found))
    }
}
