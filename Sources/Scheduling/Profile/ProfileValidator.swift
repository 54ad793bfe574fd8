import Foundation

/// Checks a whole `BusinessProfile` before anything is written, so an import either applies
/// completely or not at all. Each problem names its place in the file, e.g.
/// `providers[1].hours[2]: overlaps providers[1].hours[0]`.
package enum ProfileValidator {
    /// Throws `SchedulingError.invalid(field:message:)` for the first problem found.
    package static func validate(_ profile: BusinessProfile) throws {
        let business = profile.business
        try require(!business.name.trimmingCharacters(in: .whitespaces).isEmpty, "business.name", "must not be empty")
        try require(TimeZone(identifier: business.timeZone) != nil, "business.time_zone", "unknown time zone \"\(business.timeZone)\"")
        try phone(business.phone, "business.phone")

        let rules = profile.bookingRules
        try require(rules.slotStepMinutes > 0 && rules.slotStepMinutes <= 240, "booking_rules.slot_step_minutes", "must be between 1 and 240")
        try require(rules.minimumNoticeMinutes >= 0, "booking_rules.minimum_notice_minutes", "must not be negative")
        try require(rules.horizonDays > 0 && rules.horizonDays <= 730, "booking_rules.horizon_days", "must be between 1 and 730")
        try require(rules.holdMinutes > 0 && rules.holdMinutes <= 120, "booking_rules.hold_minutes", "must be between 1 and 120")

        if let settings = profile.messaging { try messaging(settings) }

        try require(!profile.locations.isEmpty, "locations", "at least one location is needed")
        var locationIDs: Set<String> = []
        for (i, location) in profile.locations.enumerated() {
            let path = "locations[\(i)]"
            try require(!location.id.isEmpty, "\(path).id", "must not be empty")
            try require(locationIDs.insert(location.id).inserted, "\(path).id", "duplicate id \"\(location.id)\"")
            try phone(location.phone, "\(path).phone")
            try hours(location.hours, path: path) { _, _ in }
        }

        var providerIDs: Set<String> = []
        for (i, provider) in profile.providers.enumerated() {
            let path = "providers[\(i)]"
            try require(!provider.id.isEmpty, "\(path).id", "must not be empty")
            try require(providerIDs.insert(provider.id).inserted, "\(path).id", "duplicate id \"\(provider.id)\"")
            try require(!provider.locations.isEmpty, "\(path).locations", "a provider must work at a location")
            for (j, location) in provider.locations.enumerated() {
                try require(locationIDs.contains(location), "\(path).locations[\(j)]", "unknown location \"\(location)\"")
            }
            try hours(provider.hours, path: path) { hours, hoursPath in
                if let location = hours.location {
                    try require(locationIDs.contains(location), "\(hoursPath).location", "unknown location \"\(location)\"")
                    try require(provider.locations.contains(location), "\(hoursPath).location", "\"\(location)\" is not one of this provider's locations")
                } else {
                    try require(provider.locations.count == 1, "\(hoursPath).location", "required when the provider works at several locations")
                }
            }
        }

        var serviceIDs: Set<String> = []
        for (i, service) in profile.services.enumerated() {
            let path = "services[\(i)]"
            try require(!service.id.isEmpty, "\(path).id", "must not be empty")
            try require(serviceIDs.insert(service.id).inserted, "\(path).id", "duplicate id \"\(service.id)\"")
            try require(service.durationMinutes > 0 && service.durationMinutes <= 720, "\(path).duration_minutes", "must be between 1 and 720")
            try require(service.bufferBeforeMinutes >= 0 && service.bufferBeforeMinutes <= 240, "\(path).buffer_before_minutes", "must be between 0 and 240")
            try require(service.bufferAfterMinutes >= 0 && service.bufferAfterMinutes <= 240, "\(path).buffer_after_minutes", "must be between 0 and 240")
            try require(!service.providers.isEmpty, "\(path).providers", "no provider offers \"\(service.name)\"")
            for (j, provider) in service.providers.enumerated() {
                try require(providerIDs.contains(provider), "\(path).providers[\(j)]", "unknown provider \"\(provider)\"")
            }
        }

        for (i, override) in profile.overrides.enumerated() {
            let path = "overrides[\(i)]"
            try require(LocalDate(override.date) != nil, "\(path).date", "expected YYYY-MM-DD, got \"\(override.date)\"")
            if let provider = override.provider {
                try require(providerIDs.contains(provider), "\(path).provider", "unknown provider \"\(provider)\"")
            }
            if !override.closed {
                let open = override.open.flatMap(MinuteOfDay.minutes), close = override.close.flatMap(MinuteOfDay.minutes)
                try require(open != nil, "\(path).open", "expected HH:MM when not closed")
                try require(close != nil, "\(path).close", "expected HH:MM when not closed")
                try require(open! < close!, "\(path).close", "must be after open")
            }
        }

        var patientKeys: [String: Int] = [:]
        for (i, patient) in (profile.patients ?? []).enumerated() {
            let path = "patients[\(i)]"
            try require(!Patient.normalise(patient.firstName).isEmpty, "\(path).first_name", "must not be empty")
            try require(!Patient.normalise(patient.lastName).isEmpty, "\(path).last_name", "must not be empty")
            try require(LocalDate(patient.dateOfBirth) != nil, "\(path).date_of_birth", "expected YYYY-MM-DD, got \"\(patient.dateOfBirth)\"")
            try phone(patient.phone, "\(path).phone")
            if let provider = patient.preferredProvider {
                try require(providerIDs.contains(provider), "\(path).preferred_provider", "unknown provider \"\(provider)\"")
            }
            let key = Patient.nameKey(first: patient.firstName, last: patient.lastName) + "|" + patient.dateOfBirth
            if let earlier = patientKeys[key] { throw SchedulingError.invalid(field: path, message: "duplicates patients[\(earlier)]") }
            patientKeys[key] = i
        }
    }

    /// The texting settings: a sender number, known placeholders, sane reminders and a window.
    private static func messaging(_ settings: MessagingSettings) throws {
        try require(PhoneNumber(settings.senderNumber) != nil, "messaging.sender_number", "malformed phone number \"\(settings.senderNumber)\"")
        let templates = settings.templates
        for (name, text) in [("booked", templates.booked), ("rescheduled", templates.rescheduled), ("cancelled", templates.cancelled),
                             ("reminder", templates.reminder)] {
            try require(!text.trimmingCharacters(in: .whitespaces).isEmpty && text.count <= 640, "messaging.templates.\(name)",
                        "must be 1 to 640 characters")
            for placeholder in MessagingSettings.placeholders(in: text) {
                try require(MessagingSettings.Templates.placeholders.contains(placeholder), "messaging.templates.\(name)",
                            "unknown placeholder {\(placeholder)} (use \(MessagingSettings.Templates.placeholders.sorted().map { "{\($0)}" }.joined(separator: ", ")))")
            }
        }
        for (i, reminder) in settings.reminders.enumerated() {
            try require((5...(30 * 1440)).contains(reminder.beforeMinutes), "messaging.reminders[\(i)].before_minutes", "must be between 5 and 43200")
        }
        try require(Set(settings.reminders.map { "\($0.channel.rawValue)\($0.beforeMinutes)" }).count == settings.reminders.count,
                    "messaging.reminders", "two reminders at the same time")
        if let i = settings.reminders.firstIndex(where: { $0.channel == .call }) {
            try require(!(settings.assistantID ?? "").trimmingCharacters(in: .whitespaces).isEmpty, "messaging.reminders[\(i)].channel",
                        "a call reminder needs messaging.assistant_id (the Telnyx assistant that places it)")
        }
        guard let start = MinuteOfDay.minutes(settings.window.start) else {
            throw SchedulingError.invalid(field: "messaging.window.start", message: "expected HH:MM, got \"\(settings.window.start)\"")
        }
        guard let end = MinuteOfDay.minutes(settings.window.end) else {
            throw SchedulingError.invalid(field: "messaging.window.end", message: "expected HH:MM, got \"\(settings.window.end)\"")
        }
        try require(end > start, "messaging.window.end", "must be after the start")
        try require(!settings.window.days.isEmpty, "messaging.window.days", "name at least one day")
        try require((1...20).contains(settings.maxTextsPerDay), "messaging.max_texts_per_day", "must be between 1 and 20")
    }

    /// Validates a list of weekly hours: times parse, close after open, breaks inside and not
    /// overlapping, and no two periods on the same day overlapping.
    private static func hours(_ list: [WeeklyHours], path: String, extra: (WeeklyHours, String) throws -> Void) throws {
        var seen: [(index: Int, day: Weekday, range: Range<Int>)] = []
        for (k, hours) in list.enumerated() {
            let hoursPath = "\(path).hours[\(k)]"
            guard let open = MinuteOfDay.minutes(hours.open) else { throw SchedulingError.invalid(field: "\(hoursPath).open", message: "expected HH:MM, got \"\(hours.open)\"") }
            guard let close = MinuteOfDay.minutes(hours.close) else { throw SchedulingError.invalid(field: "\(hoursPath).close", message: "expected HH:MM, got \"\(hours.close)\"") }
            try require(open < close, "\(hoursPath)", "close (\(hours.close)) must be after open (\(hours.open))")
            var breaks: [Range<Int>] = []
            for (b, pause) in hours.breaks.enumerated() {
                let breakPath = "\(hoursPath).breaks[\(b)]"
                guard let start = MinuteOfDay.minutes(pause.start), let end = MinuteOfDay.minutes(pause.end), start < end else {
                    throw SchedulingError.invalid(field: breakPath, message: "expected start < end as HH:MM")
                }
                try require(open <= start && end <= close, breakPath, "must lie within \(hours.open)–\(hours.close)")
                if let other = breaks.firstIndex(where: { $0.overlaps(start..<end) }) {
                    throw SchedulingError.invalid(field: breakPath, message: "overlaps \(hoursPath).breaks[\(other)]")
                }
                breaks.append(start..<end)
            }
            if let other = seen.first(where: { $0.day == hours.day && $0.range.overlaps(open..<close) }) {
                throw SchedulingError.invalid(field: hoursPath, message: "overlaps \(path).hours[\(other.index)]")
            }
            seen.append((k, hours.day, open..<close))
            try extra(hours, hoursPath)
        }
    }

    private static func phone(_ value: String?, _ path: String) throws {
        guard let value else { return }
        try require(PhoneNumber(value) != nil, path, "malformed phone number \"\(value)\"")
    }

    private static func require(_ condition: Bool, _ field: String, _ message: String) throws {
        if !condition { throw SchedulingError.invalid(field: field, message: message) }
    }
}
