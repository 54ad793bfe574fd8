import Foundation
import Hummingbird
import Reception
import Scheduling

/// The console's Today page: a column per provider with the day's appointments, live holds
/// and free time, and what needs a human at the top.
struct ConsoleScheduleController: Sendable {
    let renderer: ConsoleRenderer

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("", use: today)
    }

    @Sendable func today(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let console = try await ConsoleRequest.load(context)
        let query = QueryParameters(request)
        let now = Date()
        let date = ((try? query.localDate("date")) ?? nil) ?? console.today(now: now)
        let (desk, actor) = (console.desk, console.actor)
        let (sheet, calls, inbox) = try await ConsoleRequest.attempt { () async throws(FrontDeskError) in
            let sheet = try await desk.daySheet(on: date, for: actor, now: now)
            // Calls that need a human: failed or handed to a person, in the last day.
            let yesterday = console.views.clock.local(now.addingTimeInterval(-86_400)).date
            let failed = try await desk.calls(CallFilter(from: yesterday, outcome: .failed), page: PageRequest(limit: 20), for: actor)
            let transferred = try await desk.calls(CallFilter(from: yesterday, outcome: .transferred), page: PageRequest(limit: 20), for: actor)
            // Patients' texts FrontDesk could not act on by itself, from the last week.
            let texts = try await desk.inbox(limit: 20, for: actor).filter { $0.handledAt == nil && now.timeIntervalSince($0.receivedAt) < 7 * 86_400 }
            return (sheet, failed.items + transferred.items, texts)
        }
        let views = console.views
        let columns = sheet.columns.map { column -> [String: Any] in
            var items: [(Date, [String: Any])] = column.appointments.map { ($0.appointment.start, ["appointment": views.appointment($0)]) }
            items += column.holds.map { hold in
                (hold.slot.start, ["hold": ["start": views.time(hold.slot.start), "end": views.time(hold.slot.end),
                                          "service": views.serviceName(hold.slot.serviceID), "expires": views.time(hold.expiresAt)]])
            }
            items += column.gaps.filter { $0.duration >= 15 * 60 }.map { gap in
                (gap.start, ["gap": ["start": views.time(gap.start), "end": views.time(gap.end), "minutes": Int(gap.duration / 60)]])
            }
            return [
                "providerID": column.providerID, "provider": views.providerName(column.providerID),
                "items": items.sorted { $0.0 < $1.0 }.map(\.1), "off": column.working.isEmpty,
            ]
        }
        let unconfirmed = sheet.columns.flatMap(\.appointments).filter { $0.appointment.status == .booked && $0.confirmedAt == nil }
            .sorted { $0.appointment.start < $1.appointment.start }
        var seen = Set<String>()
        let attention = calls.filter { seen.insert($0.id).inserted }.sorted { $0.startedAt > $1.startedAt }
        return renderer.page("today", console.page("Today", tab: "Today", [
            "day": ConsoleViews.longDay(date), "date": date.description, "previous": date.adding(days: -1).description,
            "next": date.adding(days: 1).description, "isToday": date == console.today(now: now), "columns": columns,
            "unconfirmed": unconfirmed.map(views.appointment), "attentionCalls": attention.map(views.call),
            "hasAttention": !unconfirmed.isEmpty || !attention.isEmpty || !inbox.isEmpty,
            "inbox": inbox.map { message -> [String: Any] in
                ["from": message.patientName ?? message.from, "body": message.body, "at": views.dateTime(message.receivedAt),
                 "note": message.note ?? "", "patientID": message.patientID.map { $0 as Any } ?? false]
            }, "closed": sheet.columns.allSatisfy(\.working.isEmpty),
        ]))
    }
}
