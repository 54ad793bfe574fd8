import Agent
import Foundation
import Hummingbird
import OpenAIWire
import Reception
import Scheduling

/// The console's calls: the filtered list, and one call as a transcript with each tool call
/// as a card and links to the appointments it changed.
struct ConsoleCallsController: Sendable {
    let renderer: ConsoleRenderer

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("calls", use: list)
        group.get("calls/export", use: export)
        group.get("calls/:id", use: show)
    }

    @Sendable func list(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let console = try await ConsoleRequest.load(context)
        let query = QueryParameters(request)
        var error: String?
        var filter = CallFilter(), page = PageRequest(limit: 50)
        do {
            filter = try CallsAPIController.filter(query)
            page = try query.page()
        } catch let refusal as OpenAIHTTPError {
            error = refusal.body.message
        }
        let (desk, actor) = (console.desk, console.actor)
        let found = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in try await desk.calls(filter, page: page, for: actor) }
        let filters = ["from", "to", "caller", "outcome", "tool", "persona"].compactMap { name in
            query.string(name).map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        }.joined(separator: "&")
        return renderer.page("calls", console.page("Calls", tab: "Calls", [
            "error": ConsoleViews.some(error), "calls": found.items.map(console.views.call), "empty": found.items.isEmpty,
            "next": ConsoleViews.some(found.next.map { "/console/calls?" + filters + "&cursor=" + QueryParameters.encodeCursor($0) }),
            "exportCSV": "/console/calls/export?format=csv&" + filters, "exportJSONL": "/console/calls/export?format=jsonl&" + filters,
            "from": query.string("from") ?? "", "to": query.string("to") ?? "", "caller": query.string("caller") ?? "",
            "tool": query.string("tool") ?? "", "persona": query.string("persona") ?? "",
            "outcomes": ConsoleViews.options(CallOutcome.allCases.map(\.rawValue), selected: query.string("outcome")),
        ]), status: error == nil ? .ok : .badRequest)
    }

    @Sendable func export(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        try await CallsAPIController().export(request, context: context)
    }

    @Sendable func show(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let console = try await ConsoleRequest.load(context)
        guard let raw = context.parameters.get("id"), let id = raw.removingPercentEncoding, !id.isEmpty, id.count <= 300 else {
            return renderer.page("not-found", console.page("Not found", tab: "Calls", ["what": "call"]), status: .notFound)
        }
        let (desk, actor) = (console.desk, console.actor)
        let transcript: CallTranscript
        do {
            transcript = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in try await desk.call(id: id, for: actor) }
        } catch let refusal as OpenAIHTTPError where refusal.status == .notFound {
            return renderer.page("not-found", console.page("Not found", tab: "Calls", ["what": "call"]), status: .notFound)
        }
        let views = console.views
        var bubbles: [[String: Any]] = []
        for turn in transcript.turns {
            if let text = turn.callerText { bubbles.append(["caller": true, "text": text, "at": views.dateTime(turn.startedAt)]) }
            for tool in turn.toolCalls {
                bubbles.append(["tool": [
                    "name": tool.name, "arguments": Self.pretty(tool.arguments), "result": Self.pretty(tool.result ?? ""),
                    "milliseconds": tool.durationMilliseconds.map { "\($0)" } ?? "–", "outcome": tool.outcome ?? "not recorded",
                    "auditID": tool.auditID.map { "\($0)" } ?? "–",
                ]])
            }
            for handed in turn.clientToolCalls {
                bubbles.append(["handed": ["name": handed.name, "arguments": Self.pretty(handed.arguments)]])
            }
            if let answer = turn.answer, !answer.isEmpty {
                bubbles.append(["assistant": true, "text": answer, "milliseconds": turn.durationMilliseconds])
            }
            for intervention in turn.interventions {
                bubbles.append(["guarded": ["kind": intervention.kind.replacingOccurrences(of: "_", with: " "), "text": intervention.text]])
            }
            if let error = turn.error { bubbles.append(["failed": true, "text": error]) }
            if turn.finishReason == ConversationTurn.interrupted { bubbles.append(["interrupted": true]) }
        }
        var seen = Set<Int64>()
        let changed = transcript.changes.compactMap { change -> [String: Any]? in
            guard let id = change.appointmentID else { return nil }
            var row = views.change(change)
            row["first"] = seen.insert(id).inserted
            return row
        }
        return renderer.page("call", console.page("Call", tab: "Calls", [
            "call": views.call(transcript.call), "bubbles": bubbles, "changes": changed, "hasChanges": !changed.isEmpty,
        ]))
    }

    /// Tool arguments and results are JSON: indented for reading, and left as they are when not.
    static func pretty(_ text: String) -> String {
        guard let value = try? JSONValue(parsing: text), case .object = value,
              let data = try? JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(text.utf8)),
                                                     options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
              let pretty = String(data: data, encoding: .utf8)
        else { return text }
        return pretty
    }
}
