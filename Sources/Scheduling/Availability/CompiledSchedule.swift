/// A validated `BusinessProfile` turned into lookup tables in local minutes, ready for the
/// availability engine's inner loops.
package struct CompiledSchedule: Sendable {
    package struct Service: Sendable {
        package var id: String
        package var name: String
        package var duration: Int
        package var bufferBefore: Int
        package var bufferAfter: Int
        package var providers: [String]
    }

    /// Working periods of one provider at one location on one weekday, breaks removed.
    struct ProviderDay: Sendable {
        var location: String
        var periods: [Range<Int>]
    }

    struct Override: Sendable {
        var closed: Bool
        var hours: Range<Int>?
        var reason: String?
    }

    package let profile: BusinessProfile
    package let clock: ZonedClock
    package let rules: BookingRules
    let services: [String: Service]
    /// Profile order, so "whoever is free" picks providers predictably.
    let providerOrder: [String]
    let providerLocations: [String: [String]]
    /// locationHours[location][weekday index] = periods.
    let locationHours: [String: [[Range<Int>]]]
    /// providerHours[provider][weekday index] = periods per location.
    let providerHours: [String: [[ProviderDay]]]
    let businessOverrides: [LocalDate: Override]
    let providerOverrides: [String: [LocalDate: Override]]
    /// regularWeek[provider] = each of their locations with its periods per weekday index:
    /// what `workingPeriods` gives on a date without overrides, computed once, since the search
    /// asks for it for every provider on every day.
    let regularWeek: [String: [(location: String, week: [[Range<Int>]])]]
    /// The longest buffer before or after any service: how far outside a day a busy block can
    /// still touch one of its slots.
    let longestBufferMinutes: Int

    /// Assumes `ProfileValidator` accepted the profile; unparsable parts are skipped, not trapped.
    package init(_ profile: BusinessProfile) throws {
        guard let clock = ZonedClock(identifier: profile.business.timeZone) else {
            throw SchedulingError.invalid(field: "business.time_zone", message: "unknown time zone \(profile.business.timeZone)")
        }
        self.profile = profile
        self.clock = clock
        rules = profile.bookingRules
        services = Dictionary(uniqueKeysWithValues: profile.services.map {
            ($0.id, Service(id: $0.id, name: $0.name, duration: $0.durationMinutes, bufferBefore: $0.bufferBeforeMinutes,
                            bufferAfter: $0.bufferAfterMinutes, providers: $0.providers))
        })
        longestBufferMinutes = profile.services.map { max($0.bufferBeforeMinutes, $0.bufferAfterMinutes, 0) }.max() ?? 0
        providerOrder = profile.providers.map(\.id)
        providerLocations = Dictionary(uniqueKeysWithValues: profile.providers.map { ($0.id, $0.locations) })
        var locationHours: [String: [[Range<Int>]]] = [:]
        for location in profile.locations {
            var week = Array(repeating: [Range<Int>](), count: 7)
            for hours in location.hours { week[Self.index(hours.day)] += Self.periods(hours) }
            locationHours[location.id] = week.map(Self.normalised)
        }
        self.locationHours = locationHours
        var providerHours: [String: [[ProviderDay]]] = [:]
        for provider in profile.providers {
            var week = Array(repeating: [ProviderDay](), count: 7)
            for hours in provider.hours {
                guard let location = hours.location ?? (provider.locations.count == 1 ? provider.locations[0] : nil) else { continue }
                let day = Self.index(hours.day)
                if let existing = week[day].firstIndex(where: { $0.location == location }) {
                    week[day][existing].periods = Self.normalised(week[day][existing].periods + Self.periods(hours))
                } else {
                    week[day].append(ProviderDay(location: location, periods: Self.periods(hours)))
                }
            }
            providerHours[provider.id] = week
        }
        self.providerHours = providerHours
        regularWeek = Dictionary(uniqueKeysWithValues: profile.providers.map { provider in
            (provider.id, provider.locations.map { location in
                (location, (0..<7).map { day in
                    Self.intersect(locationHours[location]?[day] ?? [],
                                   providerHours[provider.id]?[day].first(where: { $0.location == location })?.periods ?? [])
                })
            })
        })
        var businessOverrides: [LocalDate: Override] = [:]
        var providerOverrides: [String: [LocalDate: Override]] = [:]
        for override in profile.overrides {
            guard let date = LocalDate(override.date) else { continue }
            var hours: Range<Int>?
            if !override.closed, let open = override.open.flatMap(MinuteOfDay.minutes), let close = override.close.flatMap(MinuteOfDay.minutes), open < close {
                hours = open..<close
            }
            let value = Override(closed: override.closed || hours == nil, hours: hours, reason: override.reason)
            if let provider = override.provider {
                providerOverrides[provider, default: [:]][date] = value
            } else {
                businessOverrides[date] = value
            }
        }
        self.businessOverrides = businessOverrides
        self.providerOverrides = providerOverrides
    }

    /// The periods (local minutes) in which `provider` sees patients at `location` on `date`:
    /// provider hours ∩ location hours, breaks removed, date overrides applied.
    package func workingPeriods(provider: String, location: String, on date: LocalDate) -> [Range<Int>] {
        let day = date.weekdayIndex
        if !hasOverride(provider: provider, on: date) {
            return regularWeek[provider]?.first(where: { $0.location == location })?.week[day] ?? []
        }
        let locationPeriods: [Range<Int>]
        if let override = businessOverrides[date] {
            if override.closed { return [] }
            locationPeriods = override.hours.map { [$0] } ?? []
        } else {
            locationPeriods = locationHours[location]?[day] ?? []
        }
        let providerPeriods: [Range<Int>]
        if let override = providerOverrides[provider]?[date] {
            if override.closed { return [] }
            let worksHere = providerLocations[provider]?.contains(location) ?? false
            // Custom hours apply where the provider would normally be that day, else at
            // their first location.
            let usual = providerHours[provider]?[day].map(\.location) ?? []
            let target = usual.first ?? providerLocations[provider]?.first
            providerPeriods = worksHere && target == location ? (override.hours.map { [$0] } ?? []) : []
        } else {
            providerPeriods = providerHours[provider]?[day].first(where: { $0.location == location })?.periods ?? []
        }
        return Self.intersect(locationPeriods, providerPeriods)
    }

    /// Whether a date override (the business's or the provider's) changes `provider`'s hours on `date`.
    func hasOverride(provider: String, on date: LocalDate) -> Bool {
        businessOverrides[date] != nil || providerOverrides[provider]?[date] != nil
    }

    /// Why a date is closed for this provider, if it is.
    func closure(provider: String?, on date: LocalDate) -> SchedulingError? {
        if let override = businessOverrides[date], override.closed { return .closedDate(reason: override.reason) }
        if let provider, let override = providerOverrides[provider]?[date], override.closed {
            return .closedDate(reason: override.reason)
        }
        return nil
    }

    static func index(_ day: Weekday) -> Int { Weekday.allCases.firstIndex(of: day)! }

    static func periods(_ hours: WeeklyHours) -> [Range<Int>] {
        guard let open = MinuteOfDay.minutes(hours.open), let close = MinuteOfDay.minutes(hours.close), open < close else { return [] }
        var result = [open..<close]
        for pause in hours.breaks {
            guard let start = MinuteOfDay.minutes(pause.start), let end = MinuteOfDay.minutes(pause.end), start < end else { continue }
            result = result.flatMap { period -> [Range<Int>] in
                guard start < period.upperBound, period.lowerBound < end else { return [period] }
                return [period.lowerBound..<start, end..<period.upperBound].filter { !$0.isEmpty }
            }
        }
        return result
    }

    static func normalised(_ periods: [Range<Int>]) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        for period in periods.sorted(by: { $0.lowerBound < $1.lowerBound }) where !period.isEmpty {
            if let last = merged.last, period.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, period.upperBound)
            } else {
                merged.append(period)
            }
        }
        return merged
    }

    static func intersect(_ a: [Range<Int>], _ b: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for x in a {
            for y in b where x.overlaps(y) {
                result.append(max(x.lowerBound, y.lowerBound)..<min(x.upperBound, y.upperBound))
            }
        }
        return normalised(result)
    }
}
