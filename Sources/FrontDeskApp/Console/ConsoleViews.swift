import Foundation
import Reception
import Scheduling

/// What console templates are given: plain dictionaries of strings, numbers and lists, with
/// every time already in the business's local time. Values are escaped by Mustache.
struct ConsoleViews {
    let profile: BusinessProfile
    let clock: ZonedClock

    init(profile: BusinessProfile) {
        self.profile = profile
        clock = profile.clock
    }

    var zone: String { profile.business.timeZone }

    // MARK: - Times

    /// "9:05 AM".
    func time(_ date: Date) -> String { Self.clockTime(minutes: clock.local(date).minutes) }

    static func clockTime(minutes: Int) -> String { MinuteOfDay.twelveHour(minutes) }

    /// "Mon, Nov 30, 2026, 9:05 AM".
    func dateTime(_ date: Date) -> String {
        let local = clock.local(date)
        return "\(Self.shortDay(local.date)), \(Self.clockTime(minutes: local.minutes))"
    }

    /// "Monday, November 30, 2026".
    static func longDay(_ date: LocalDate) -> String {
        "\(date.weekday.rawValue.capitalized), \(months[date.month - 1]) \(date.day), \(date.year)"
    }

    static func shortDay(_ date: LocalDate) -> String {
        "\(date.weekday.rawValue.capitalized.prefix(3)), \(months[date.month - 1].prefix(3)) \(date.day), \(date.year)"
    }

    /// "2026-11-30T09:05", what a `datetime-local` input holds.
    func inputValue(_ date: Date) -> String {
        let local = clock.local(date)
        return "\(local.date)T\(Self.two(local.minutes / 60)):\(Self.two(local.minutes % 60))"
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
                         "December"]

    /// A value for a `{{#section}}` that shows only when there is text: Mustache counts an
    /// empty string as present, `false` as absent.
    static func some(_ text: String?) -> Any {
        guard let text, !text.isEmpty else { return false }
        return text
    }

    // MARK: - Names

    func providerName(_ id: String) -> String { profile.providers.first { $0.id == id }?.name ?? id }
    func serviceName(_ id: String) -> String { profile.services.first { $0.id == id }?.name ?? id }
    func locationName(_ id: String) -> String { profile.locations.first { $0.id == id }?.name ?? id }

    // MARK: - Rows

    func appointment(_ record: AppointmentRecord) -> [String: Any] {
        let a = record.appointment
        return [
            "id": a.id, "status": a.status.rawValue, "isBooked": a.status == .booked, "isCancelled": a.status == .cancelled,
            "day": Self.shortDay(clock.local(a.start).date), "start": time(a.start), "end": time(a.end), "startInput": inputValue(a.start),
            "patientID": record.patient.id, "patientName": "\(record.patient.firstName) \(record.patient.lastName)",
            "patientPhone": record.patient.phone ?? "", "provider": providerName(a.providerID), "providerID": a.providerID,
            "service": serviceName(a.serviceID), "location": locationName(a.locationID), "notes": a.notes ?? "",
            "cancelReason": Self.some(a.cancelReason), "confirmed": record.confirmedAt != nil,
            "confirmedAt": record.confirmedAt.map(dateTime) ?? "", "unconfirmed": a.status == .booked && record.confirmedAt == nil,
            "conversationID": a.conversationID ?? "", "conversationPath": Self.some(a.conversationID.map(Self.callPath)),
            "rescheduledFrom": a.rescheduledFrom.map { $0 as Any } ?? false, "created": dateTime(record.createdAt),
        ]
    }

    func change(_ change: AppointmentChange) -> [String: Any] {
        [
            "action": Self.actions[change.action] ?? change.action, "actor": Self.actor(change), "channel": change.channel,
            "at": dateTime(change.at), "appointmentID": change.appointmentID.map { $0 as Any } ?? false,
            "conversationPath": Self.some(change.conversationID.map(Self.callPath)),
        ]
    }

    func call(_ call: CallRecord) -> [String: Any] {
        [
            "id": call.id, "path": Self.callPath(call.id), "caller": call.caller ?? "withheld", "persona": call.persona,
            "started": dateTime(call.startedAt), "turns": call.turns, "outcomes": call.outcomes.map(\.rawValue).joined(separator: ", "),
            "tools": call.tools.joined(separator: ", "), "businessRule": call.businessRule ?? "",
            "reachedBy": call.businessRule.map { Self.rules[$0] ?? $0 } ?? "not recorded",
            "calledNumber": call.calledNumber ?? "not recorded",
            "ended": Self.some(call.endedAt.map { "\(dateTime($0))" + (call.durationSeconds.map { ", \($0 / 60) min \($0 % 60) s" } ?? "") }),
            "needsHuman": call.outcomes.contains(.failed) || call.outcomes.contains(.transferred),
        ]
    }

    static func patient(_ patient: Patient) -> [String: Any] {
        [
            "id": patient.id, "name": "\(patient.firstName) \(patient.lastName)", "firstName": patient.firstName, "lastName": patient.lastName,
            "dateOfBirth": patient.dateOfBirth, "phone": patient.phone ?? "", "email": patient.email ?? "",
        ]
    }

    /// What a change-audit action says to a person.
    static let actions = [
        "booking.created": "Booked", "booking.rescheduled": "Moved here", "booking.cancelled": "Cancelled",
        "booking.confirmed": "Confirmed", "patient.created": "Patient added", "patient.updated": "Contact details changed",
    ]

    /// Who made a change, as staff say it.
    static func actor(_ change: AppointmentChange) -> String {
        let id = change.actorID ?? ""
        switch change.actorKind {
        case .caller: return "the caller" + (id.hasPrefix("patient:") ? " (patient \(id.dropFirst(8)))" : "")
        case .staff where id.hasPrefix("user:"): return String(id.dropFirst(5))
        case .staff where id.hasPrefix("api_key:"): return "API key \(id.dropFirst(8))"
        case .staff: return id == "server_key" ? "the server key" : id
        case .system: return "FrontDesk (\(id))"
        }
    }

    /// How a call reached the business (`calls.business_rule`), in words.
    static let rules = [
        "api_key": "the telephony provider's API key", "telnyx_agent_target": "the number called (Telnyx)",
        "vapi_phone_number": "the number called (Vapi)", "header": "the X-FrontDesk-Business header",
        "only_business": "the server's only business",
    ]

    /// The console path of a call (ids hold ':' and other characters a path must escape).
    static func callPath(_ id: String) -> String {
        "/console/calls/" + (id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id)
    }

    // MARK: - Choices

    func providers(selected: String?) -> [[String: Any]] {
        profile.providers.map { ["id": $0.id, "name": $0.name, "selected": $0.id == selected] }
    }

    func services(selected: String?) -> [[String: Any]] {
        profile.services.map { ["id": $0.id, "name": $0.name, "selected": $0.id == selected] }
    }

    func locations(selected: String?) -> [[String: Any]] {
        profile.locations.map { ["id": $0.id, "name": $0.name, "selected": $0.id == selected] }
    }

    static func options(_ values: [String], selected: String?) -> [[String: Any]] {
        values.map { ["id": $0, "name": $0.capitalized.replacingOccurrences(of: "_", with: " "), "selected": $0 == selected] }
    }
}
