import Foundation
import Scheduling

/// Decides, for a due text, whether it goes out now and in which words: never to a number that
/// opted out, never beyond the daily cap, never outside the business's texting window in its
/// local time (DST-correct: the window is found day by day on the business's clock), and a
/// reminder that could only go out after its appointment started is skipped. Pure.
public enum TextPlanner {
    public enum Decision: Sendable, Equatable {
        case send(body: String)
        case wait(until: Date, note: String)
        case skip(note: String)
    }

    public static func decide(_ text: TextToSend, now: Date) -> Decision {
        if text.optedOut { return .skip(note: "the number opted out (STOP)") }
        if text.kind == "reply", let body = text.body { return .send(body: body) }
        guard let settings = text.settings else { return .skip(note: "the business sends no texts") }
        if let appointment = text.appointment, text.kind == "reminder", appointment.status != "booked" {
            return .skip(note: "the appointment is \(appointment.status)")
        }
        if text.sentToday >= settings.maxTextsPerDay { return .skip(note: "this number already got \(settings.maxTextsPerDay) texts today") }
        let clock = text.profile.clock
        guard let opening = nextOpening(settings, clock: clock, from: now) else { return .skip(note: "the texting window never opens") }
        if opening > now {
            if let notAfter = text.notAfter, opening >= notAfter { return .skip(note: "the window opens only after the appointment starts") }
            return .wait(until: opening, note: "outside the texting window")
        }
        if let notAfter = text.notAfter, now >= notAfter { return .skip(note: "the appointment has started") }
        guard let body = render(text) else { return .skip(note: "nothing to say") }
        return .send(body: body)
    }

    /// `now` when inside the window, else its next opening (within two weeks).
    public static func nextOpening(_ settings: MessagingSettings, clock: ZonedClock, from now: Date) -> Date? {
        guard let start = MinuteOfDay.minutes(settings.window.start), let end = MinuteOfDay.minutes(settings.window.end) else { return nil }
        let today = clock.local(now).date
        for offset in 0..<15 {
            let date = today.adding(days: offset)
            guard settings.window.days.contains(date.weekday), let open = clock.date(date, minutes: start),
                  let close = clock.date(date, minutes: end)
            else { continue }
            if now < open { return open }
            if now < close { return now }
        }
        return nil
    }

    /// The template filled with the appointment's facts, in the business's local time.
    static func render(_ text: TextToSend) -> String? {
        if let body = text.body { return body }
        guard let settings = text.settings, let template = text.template, let appointment = text.appointment else { return nil }
        let templates = settings.templates
        let chosen: String
        switch template {
        case "booked": chosen = templates.booked
        case "rescheduled": chosen = templates.rescheduled
        case "cancelled": chosen = templates.cancelled
        default: chosen = templates.reminder
        }
        let profile = text.profile
        return MessagingSettings.render(chosen, [
            "business": profile.business.name,
            "service": profile.services.first { $0.id == appointment.serviceID }?.name ?? appointment.serviceID,
            "provider": profile.providers.first { $0.id == appointment.providerID }?.name ?? appointment.providerID,
            "location": profile.locations.first { $0.id == appointment.locationID }?.name ?? appointment.locationID,
            "when": when(appointment.start, clock: profile.clock), "first_name": appointment.firstName ?? "",
        ])
    }

    /// "Mon, Nov 30 at 8:00 AM".
    public static func when(_ date: Date, clock: ZonedClock) -> String {
        let local = clock.local(date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(local.date.weekday.rawValue.capitalized.prefix(3)), \(months[local.date.month - 1]) \(local.date.day) at \(MinuteOfDay.twelveHour(local.minutes))"
    }
}
