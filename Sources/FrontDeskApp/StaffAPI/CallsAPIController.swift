import Foundation
import Hummingbird
import OpenAIWire
import Reception

/// `/api/v1/calls`: the conversations the assistant had, with what they led to; one call
/// whole (transcript, tool calls with their results and audit rows, the appointments it changed).
struct CallsAPIController: Sendable {
    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("calls", use: list)
        group.get("calls/export", use: export)
        group.get("calls/:id", use: show)
    }

    @Sendable func list(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let query = QueryParameters(request)
        let (filter, page) = (try Self.filter(query), try query.page())
        let found = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.calls(filter, page: page, for: staff.actor)
        }
        return StaffResponse.json(StaffJSON.list(found.items.map(StaffJSON.call), next: found.next))
    }

    @Sendable func export(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let query = QueryParameters(request)
        let (format, filter) = (try TableExport.format(query), try Self.filter(query))
        return try await TableExport(format: format, filename: "calls", columns: Self.exportColumns).response { cursor in
            let page = try await StaffResponse.attempt { () async throws(FrontDeskError) in
                try await staff.desk.calls(filter, page: PageRequest(limit: 200, after: cursor), for: staff.actor)
            }
            return Page(items: page.items.map(StaffJSON.call), next: page.next)
        }
    }

    @Sendable func show(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        // Call ids contain ':' and may come percent-encoded.
        guard let raw = context.parameters.get("id"), let id = raw.removingPercentEncoding, !id.isEmpty, id.count <= 300 else {
            throw OpenAIHTTPError(status: .notFound, message: "No such call.", type: "invalid_request_error", code: "not_found")
        }
        let transcript = try await StaffResponse.attempt { () async throws(FrontDeskError) in try await staff.desk.call(id: id, for: staff.actor) }
        return StaffResponse.json(StaffJSON.transcript(transcript))
    }

    static func filter(_ query: QueryParameters) throws -> CallFilter {
        let filter = CallFilter(
            from: try query.localDate("from"), to: try query.localDate("to"), callerDigits: try query.digits("caller"),
            outcome: try query.oneOf("outcome", CallOutcome.self), tool: query.string("tool"), persona: query.string("persona"))
        if let from = filter.from, let to = filter.to, to < from { throw QueryParameters.invalid("to", "must not be before 'from'") }
        return filter
    }

    static let exportColumns: [TableExport.Column] = [
        TableExport.column("id"), TableExport.column("caller"), TableExport.column("persona"), TableExport.column("started_at"),
        TableExport.column("last_turn_at"), TableExport.column("turns"), TableExport.column("business_rule"),
        TableExport.column("outcomes"), TableExport.column("tools"),
    ]
}
