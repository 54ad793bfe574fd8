import Foundation
import OpenAIWire
import Reception
import Scheduling

/// The business's calendar vocabulary for one tool call: resolves service, provider and
/// location ids (refusing unknown ones as `invalid_arguments` naming the field) and turns
/// slots and appointments into compact JSON a voice can read aloud — local times with the
/// offset, a spoken form with the weekday, names next to the ids the model needs later.
struct CalendarVoice {
    let profile: BusinessProfile
    let local: LocalTime
    let clock: ZonedClock

    /// Loads the current profile. Throws `calendar_unavailable` when there is none.
    init(desk: FrontDesk) async throws(ToolFailure) {
        let profile = try await ToolFailure.attempt(voice: nil) { () async throws(FrontDeskError) in try await desk.profile() }
        guard let timeZone = TimeZone(identifier: profile.business.timeZone) else { throw ToolFailure.calendarUnavailable }
        self.profile = profile
        self.local = LocalTime(timeZone: timeZone)
        self.clock = ZonedClock(timeZone: timeZone)
    }

    // MARK: - Resolving what the model named

    func service(_ id: String, field: String = "service_id") throws(ToolFailure) -> ServiceProfile {
        if let found = profile.services.first(where: { Self.matches(id, $0.id, $0.name) }) { return found }
        throw ToolFailure.invalidArguments(
            field: field, "Unknown service '\(id)'. Known services: \(profile.services.map(\.id).joined(separator: ", ")).")
    }

    func provider(_ id: String?, field: String = "provider_id") throws(ToolFailure) -> ProviderProfile? {
        guard let id else { return nil }
        if let found = profile.providers.first(where: { Self.matches(id, $0.id, $0.name) }) { return found }
        throw ToolFailure.invalidArguments(
            field: field, "Unknown provider '\(id)'. Known providers: \(profile.providers.map(\.id).joined(separator: ", ")).")
    }

    func location(_ id: String?, field: String = "location_id") throws(ToolFailure) -> LocationProfile? {
        guard let id else { return nil }
        if let found = profile.locations.first(where: { Self.matches(id, $0.id, $0.name) }) { return found }
        throw ToolFailure.invalidArguments(
            field: field, "Unknown location '\(id)'. Known locations: \(profile.locations.map(\.id).joined(separator: ", ")).")
    }

    /// An id, or the display name said loosely ("dr. patel" is not enough; "Dr. Anika Patel" is).
    private static func matches(_ given: String, _ id: String, _ name: String) -> Bool {
        given == id || given.caseInsensitiveCompare(name) == .orderedSame || given.caseInsensitiveCompare(id) == .orderedSame
    }

    /// Runs a front-desk operation; its refusal becomes the tool's failure, alternatives spoken.
    func attempt<T>(_ body: () async throws(FrontDeskError) -> T) async throws(ToolFailure) -> T {
        try await ToolFailure.attempt(voice: self, body)
    }

    /// Refusals of a time that cannot be had at all, whatever else is booked.
    static let timeRefusals: Set<String> = ["outside_hours", "not_working_then", "runs_past_closing", "closed", "minimum_notice", "in_past"]

    /// A refusal that leads somewhere: a time that cannot be had (outside hours, a closed day,
    /// too soon, past) comes back with the nearest real openings for the same visit from that
    /// day on, so the model offers them instead of sending the same time again (a small model
    /// retried one refused booking six times). Any other failure comes back as it was.
    func leadingSomewhere(
        _ failure: ToolFailure, serviceID: String, providerID: String?, locationID: String?, near start: Date,
        desk: FrontDesk, context: ToolContext
    ) async -> ToolFailure {
        guard Self.timeRefusals.contains(failure.code) else { return failure }
        let query = AvailabilityQuery(
            serviceID: serviceID, providerID: providerID, locationID: locationID, from: clock.local(max(start, context.now)).date,
            to: nil, timeOfDay: .any, limit: 3, perDayLimit: 3, conversationID: context.conversationID)
        guard let found = try? await desk.findSlots(query, for: context.actor, now: context.now) else { return failure }
        var details = failure.details?.objectValue ?? [:]
        details["alternatives"] = .array(found.result.slots.map(slot))
        let next = found.result.slots.isEmpty
            ? " Nothing is open soon after that either: ask the caller for another day."
            : " Offer the caller one of the alternatives (their spoken times) instead of trying that time again."
        return ToolFailure(code: failure.code, message: failure.message + next, details: .object(details))
    }

    // MARK: - Speaking

    func serviceName(_ id: String) -> String { profile.services.first { $0.id == id }?.name ?? id }
    func providerName(_ id: String) -> String { profile.providers.first { $0.id == id }?.name ?? id }
    func locationName(_ id: String) -> String { profile.locations.first { $0.id == id }?.name ?? id }

    /// `{"start":"2026-11-23T09:00:00-05:00","spoken":"Monday, November 23 at 9:00 AM","provider_id":…}`
    func slot(_ slot: Slot) -> JSONValue {
        [
            "start": .string(local.isoDateTime(slot.start)), "spoken": .string(local.slot(slot.start)),
            "provider_id": .string(slot.providerID), "provider": .string(providerName(slot.providerID)),
            "location_id": .string(slot.locationID), "location": .string(locationName(slot.locationID)),
        ]
    }

    /// "your cleaning on Monday, November 30 at 8:00 AM with Dr. Anika Patel": an appointment
    /// as the assistant reads it back before changing it.
    func describe(_ appointment: Appointment) -> String {
        "your \(serviceName(appointment.serviceID).lowercased()) on \(local.slot(appointment.start)) with \(providerName(appointment.providerID))"
    }

    func appointment(_ appointment: Appointment) -> JSONValue {
        [
            "appointment_id": .int(Int(appointment.id)), "status": .string(appointment.status.rawValue),
            "service": .string(serviceName(appointment.serviceID)),
            "start": .string(local.isoDateTime(appointment.start)), "spoken": .string(local.slot(appointment.start)),
            "duration_minutes": .int(Int(appointment.end.timeIntervalSince(appointment.start) / 60)),
            "provider": .string(providerName(appointment.providerID)), "location": .string(locationName(appointment.locationID)),
        ]
    }
}
