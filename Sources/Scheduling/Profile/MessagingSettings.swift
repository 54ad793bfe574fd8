import Foundation

/// How a business texts its patients: from which number, whether bookings are confirmed by
/// text, the words (templates with `{placeholders}`), when reminders go out, and the hours in
/// which any text may be sent. Part of the profile's import format (`"messaging"`); absent, the
/// business sends no texts.
public struct MessagingSettings: Codable, Sendable, Equatable {
    public var senderNumber: String
    public var messagingProfileID: String?
    /// The Telnyx AI assistant that places reminder calls (needed for `"channel": "call"` reminders).
    public var assistantID: String?
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
        public enum Channel: String, Codable, Sendable { case sms, call }

        public var beforeMinutes: Int
        /// A text, or a call by the business's Telnyx assistant (`assistant_id`).
        public var channel: Channel
        /// Only when the patient has not confirmed by then (calls default to this).
        public var onlyIfUnconfirmed: Bool

        public init(beforeMinutes: Int, channel: Channel = .sms, onlyIfUnconfirmed: Bool? = nil) {
            self.beforeMinutes = beforeMinutes
            self.channel = channel
            self.onlyIfUnconfirmed = onlyIfUnconfirmed ?? (channel == .call)
        }

        enum CodingKeys: String, CodingKey {
            case beforeMinutes = "before_minutes", channel, onlyIfUnconfirmed = "only_if_unconfirmed"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let channel = try c.decodeIfPresent(Channel.self, forKey: .channel) ?? .sms
            self.init(beforeMinutes: try c.decode(Int.self, forKey: .beforeMinutes), channel: channel,
                      onlyIfUnconfirmed: try c.decodeIfPresent(Bool.self, forKey: .onlyIfUnconfirmed))
        }
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
        senderNumber: String, messagingProfileID: String? = nil, assistantID: String? = nil, confirmations: Bool = true, templates: Templates = .standard,
        reminders: [Reminder] = [Reminder(beforeMinutes: 2880), Reminder(beforeMinutes: 120)], window: Window = .standard,
        maxTextsPerDay: Int = 3
    ) {
        self.senderNumber = senderNumber
        self.messagingProfileID = messagingProfileID
        self.assistantID = assistantID
        self.confirmations = confirmations
        self.templates = templates
        self.reminders = reminders
        self.window = window
        self.maxTextsPerDay = maxTextsPerDay
    }

    enum CodingKeys: String, CodingKey {
        case senderNumber = "sender_number", messagingProfileID = "messaging_profile_id", assistantID = "assistant_id", confirmations
        case templates, reminders, window
        case maxTextsPerDay = "max_texts_per_day"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        senderNumber = try c.decode(String.self, forKey: .senderNumber)
        messagingProfileID = try c.decodeIfPresent(String.self, forKey: .messagingProfileID)
        assistantID = try c.decodeIfPresent(String.self, forKey: .assistantID)
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
