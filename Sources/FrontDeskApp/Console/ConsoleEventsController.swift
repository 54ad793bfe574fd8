import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Reception
import ServiceLifecycle

/// `GET /console/events`: Server-Sent Events for open console pages. It watches the
/// business's outbox (every booking, move, cancellation and confirmation, whoever made it,
/// in whichever process) and sends one `change` event per new row; the page then refreshes
/// its content in place. A comment every 15 s keeps proxies from closing an idle stream.
struct ConsoleEventsController: Sendable {
    /// How often the outbox is read: a change shows on open pages within about this.
    let pollInterval: Duration

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("events", use: stream)
    }

    @Sendable func stream(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let (desk, actor) = (staff.desk, staff.actor)
        // A reconnecting EventSource says where it was; a new one starts from now.
        var start = try await StaffResponse.attempt { () async throws(FrontDeskError) in try await desk.latestEventSequence(for: actor) }
        if let resumed = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap({ Int64($0) }), resumed >= 0, resumed < start {
            start = resumed
        }
        let (interval, from) = (pollInterval, start)
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
                var last = from
                var sinceWrite = Duration.zero
                let started = ContinuousClock.now
                // A stream ends after a few minutes (the browser reconnects at once, resuming from
                // the last id) and when the server shuts down, so it never holds a shutdown up.
                while !Task.isCancelled, !Task.isShuttingDownGracefully, ContinuousClock.now - started < .seconds(300) {
                    try await Task.sleep(for: interval)
                    let events = (try? await desk.events(after: last, limit: 100, for: actor)) ?? []
                    var text = ""
                    for event in events {
                        last = event.sequence
                        text += "event: change\nid: \(event.sequence)\ndata: {\"type\":\"\(event.type)\",\"appointment_id\":\(event.appointmentID.map(String.init) ?? "null")}\n\n"
                    }
                    sinceWrite += interval
                    if text.isEmpty, sinceWrite >= .seconds(15) { text = ": keep-alive\n\n" }
                    if !text.isEmpty {
                        try await writer.write(ByteBuffer(string: text))
                        sinceWrite = .zero
                    }
                }
                try await writer.finish(nil)
            })
    }
}
