import Foundation

/// How a business texts its patients: from which number, whether bookings are confirmed by
/// text, the words (templates with `{placeholders}`), when reminders go out, and the hours in
/// which any text may be sent. Part of the profile's import format (`"messaging"`); absent, the
/// business sends no texts.
public struct MessagingSettings: Codable, Sendable, Equatable {
    public var senderNumber: String
    public var messagingProfileID: String?
    public var confirmations: Bool
    public var templates: Templates
    public var reminders: [Reminder]
    public var window: Window
    public var maxTextsPerDay: Int

    public struct Templates: Codable, Sendable, Equatable {
        public var booked: String
        public var rescheduled: String
        public var cancelled: String
        public var reminder: String

        public static let standard = Templates(
            booked: "{business}: you're booked for {service} with {provider} on {when}. Reply C to confirm, R to reschedule, X to cancel.",
            rescheduled: "{business}: your {service} is moved to {when} with {provider}. Reply C to confirm, X to cancel.",
            cancelled: "{business}: your {service} on {when} is cancelled. Call us to book again.",
            reminder: "{business}: reminder of your {service} with {provider} on {when}. Reply C to confirm, R to reschedule, X to cancel.")

        public init(booked: String, rescheduled: String, cancelled: String, reminder: String) {
            self.booked = booked
            self.rescheduled = rescheduled
            self.cancelled = cancelled
            self.reminder = reminder
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            booked = try c.decodeIfPresent(String.self, forKey: .booked) ?? Self.standard.booked
            rescheduled = try c.decodeIfPresent(String.self, forKey: .rescheduled) ?? Self.standard.rescheduled
            cancelled = try c.decodeIfPresent(String.self, forKey: .cancelled) ?? Self.standard.cancelled
            reminder = try c.decodeIfPresent(String.self, forKey: .reminder) ?? Self.standard.reminder
        }

        /// The placeholders a template may use.
        public static let placeholders: Set<String> = ["business", "service", "provider", "location", "when", "first_name"]
    }

    public struct Reminder: Codable, Sendable, Equatable {
        public var beforeMinutes: Int

        public init(beforeMinutes: Int) { self.beforeMinutes = beforeMinutes }

        enum CodingKeys: String, CodingKey { case beforeMinutes = "before_minutes" }
    }

    /// Local hours in which texts may go out, and on which days.
    public struct Window: Codable, Sendable, Equatable {
        public var start: String
        public var end: String
        public var days: [Weekday]

        public static let standard = Window(start: "09:00", end: "19:30",
                                           days: [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday])

        public init(start: String, end: String, days: [Weekday]) {
            self.start = start
            self.end = end
            self.days = days
        }
    }

    public init(
        senderNumber: String, messagingProfileID: String? = nil, confirmations: Bool = true, templates: Templates = .standard,
        reminders: [Reminder] = [Reminder(beforeMinutes: 2880), Reminder(beforeMinutes: 120)], window: Window = .standard,
        maxTextsPerDay: Int = 3
    ) {
        self.senderNumber = senderNumber
        self.messagingProfileID = messagingProfileID
        self.confirmations = confirmations
        self.templates = templates
        self.reminders = reminders
        self.window = window
        self.maxTextsPerDay = maxTextsPerDay
    }

    enum CodingKeys: String, CodingKey {
        case senderNumber = "sender_number", messagingProfileID = "messaging_profile_id", confirmations, templates, reminders, window
        case maxTextsPerDay = "max_texts_per_day"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        senderNumber = try c.decode(String.self, forKey: .senderNumber)
        messagingProfileID = try c.decodeIfPresent(String.self, forKey: .messagingProfileID)
        confirmations = try c.decodeIfPresent(Bool.self, forKey: .confirmations) ?? true
        templates = try c.decodeIfPresent(Templates.self, forKey: .templates) ?? .standard
        reminders = try c.decodeIfPresent([Reminder].self, forKey: .reminders)
            ?? [Reminder(beforeMinutes: 2880), Reminder(beforeMinutes: 120)]
        window = try c.decodeIfPresent(Window.self, forKey: .window) ?? .standard
        maxTextsPerDay = try c.decodeIfPresent(Int.self, forKey: .maxTextsPerDay) ?? 3
    }

    /// `template` with its placeholders filled.
    public static func render(_ template: String, _ values: [String: String]) -> String {
        var text = template
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The placeholders `template` names (`{name}`).
    static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// Whether a local time (date + minutes after midnight) is inside the window.
    public func windowContains(day: Weekday, minutes: Int) -> Bool {
        guard window.days.contains(day), let start = MinuteOfDay.minutes(window.start), let end = MinuteOfDay.minutes(window.end) else { return false }
        return minutes >= start && minutes < end
    }
}
