import Foundation

/// The availability engine: pure functions of the business configuration, the busy intervals
/// and "now". No database, no clock of its own, so every rule is testable with plain values.
///
/// Free time = provider hours ∩ location hours − breaks − date overrides − busy intervals
/// (with the service's buffers) − minimum notice − horizon, for the service's duration, on a
/// slot grid aligned to local midnight, in the business's time zone.
public struct AvailabilityEngine: Sendable {
    package let schedule: CompiledSchedule

    /// Throws `SchedulingError.invalid` for an unknown time zone.
    public init(profile: BusinessProfile) throws {
        schedule = try CompiledSchedule(profile)
    }

    package init(schedule: CompiledSchedule) { self.schedule = schedule }

    public var clock: ZonedClock { schedule.clock }

    /// The local dates a query can touch: its range, and the rest of the horizon where
    /// `nextAvailableDate` may be searched. Callers load busy intervals for this span.
    public func searchRange(_ query: AvailabilityQuery, now: Date) -> (from: LocalDate, to: LocalDate, horizonEnd: LocalDate) {
        let today = schedule.clock.local(now).date
        let horizonEnd = today.adding(days: schedule.rules.horizonDays)
        let from = max(query.from ?? today, today)
        let to = min(query.to ?? from.adding(days: 13), horizonEnd)
        return (from, to, horizonEnd)
    }

    /// UTC seconds bounding every slot on local dates `from...to`, widened by the longest service
    /// buffer: a busy block outside them cannot touch a slot on those dates.
    public func utcBounds(from: LocalDate, to: LocalDate) -> (start: Int64, end: Int64) {
        let start = schedule.clock.utcSeconds(from, minutes: 0) ?? Int64(from.daysSinceEpoch) * 86_400
        let end = schedule.clock.utcSeconds(to.adding(days: 1), minutes: 0) ?? Int64(to.daysSinceEpoch + 1) * 86_400
        let pad = Int64(schedule.longestBufferMinutes) * 60
        return (start - pad, end + pad)
    }

    /// Free slots for `query`. `busy` maps provider id → busy intervals (buffers included).
    /// Throws `.notFound` / `.invalid` for unknown or mismatched ids, `.beyondHorizon` when the
    /// whole range is past the horizon.
    public func findSlots(_ query: AvailabilityQuery, busy: [String: [BusyInterval]], now: Date) throws -> AvailabilityResult {
        let everything = BusyWindow(through: nil, timelines: busy.mapValues(BusyTimeline.init))
        return try findSlots(query, now: now) { _, _ in everything }
    }

    /// Busy timelines valid for local dates up to `through` (nil: every date).
    package struct BusyWindow {
        var through: LocalDate?
        var timelines: [String: BusyTimeline]

        package init(through: LocalDate?, timelines: [String: BusyTimeline]) {
            self.through = through
            self.timelines = timelines
        }

        func covers(_ date: LocalDate) -> Bool { through.map { date <= $0 } ?? true }
    }

    /// Free slots for `query`, asking `load` for busy timelines a stretch of local dates
    /// (`from...to`) at a time as the search advances, so a question answered by its first days
    /// never reads the rest, and the search for `nextAvailableDate` reads only as far as it goes.
    package func findSlots(
        _ query: AvailabilityQuery, now: Date, window load: (_ from: LocalDate, _ to: LocalDate) throws -> BusyWindow
    ) throws -> AvailabilityResult {
        let service = try resolveService(query.serviceID)
        let providers = try resolveProviders(service: service, providerID: query.providerID)
        try resolveLocation(query.locationID)
        let range = searchRange(query, now: now)
        if let from = query.from, from > range.horizonEnd { throw SchedulingError.beyondHorizon(days: schedule.rules.horizonDays) }
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.up))
        // Stretches of 2, 4, 8, then 16 days: a "soonest" question reads two days, a scan to the
        // horizon a handful of times.
        var chunkDays = 2
        var window: BusyWindow?
        func slots(on date: LocalDate, searchingThrough last: LocalDate) throws -> [Slot] {
            if window.map({ !$0.covers(date) }) ?? true {
                let end = min(date.adding(days: chunkDays - 1), last)
                window = try load(date, end)
                chunkDays = min(chunkDays * 2, 16)
            }
            return self.slots(on: date, service: service, providers: providers, query: query,
                              timelines: window?.timelines ?? [:], nowSeconds: nowSeconds)
        }

        var days: [AvailabilityResult.Day] = []
        var remaining = max(0, query.limit)
        var date = range.from
        while date <= range.to, remaining > 0 {
            var found = try slots(on: date, searchingThrough: range.to)
            if let cap = query.perDayLimit { found = Array(found.prefix(cap)) }
            found = Array(found.prefix(remaining))
            if !found.isEmpty {
                remaining -= found.count
                days.append(.init(localDate: date.description, weekday: date.weekday.displayName, slots: found))
            }
            date = date.adding(days: 1)
        }
        var next: String?
        if days.isEmpty, query.limit > 0 {
            var probe = range.to.adding(days: 1)
            while probe <= range.horizonEnd {
                if try !slots(on: probe, searchingThrough: range.horizonEnd).isEmpty {
                    next = probe.description
                    break
                }
                probe = probe.adding(days: 1)
            }
        }
        return AvailabilityResult(days: days, nextAvailableDate: next)
    }

    /// The precise reason no provider's hours hold the visit: the business is closed then; it
    /// is open but nobody who does the service (or not the provider asked for) works then; or
    /// the visit starts in someone's hours but runs past their end. "Outside hours" for an open
    /// office sent a model retrying the same time.
    private func whyNotInHours(
        service: CompiledSchedule.Service, providers: [String], request: BookingRequest, local: (date: LocalDate, minutes: Int)
    ) -> SchedulingError {
        func periods(_ provider: String) -> [Range<Int>] {
            schedule.profile.locations.flatMap { schedule.workingPeriods(provider: provider, location: $0.id, on: local.date) }
        }
        if providers.contains(where: { periods($0).contains { $0.contains(local.minutes) } }) {
            return .runsPastClosing(durationMinutes: service.duration)
        }
        if schedule.providerOrder.contains(where: { periods($0).contains { $0.contains(local.minutes) } }) {
            let provider = request.providerID.flatMap { id in schedule.profile.providers.first { $0.id == id }?.name }
            return .notWorkingThen(service: service.name.lowercased(), provider: provider)
        }
        return .outsideHours
    }

    /// Decides whether `request` may be booked now, returning the concrete slot (provider and
    /// location filled in) or the reason it may not, most fundamental reason first.
    public func check(_ request: BookingRequest, busy: [String: [BusyInterval]], now: Date) -> Result<Slot, SchedulingError> {
        do {
            let service = try resolveService(request.serviceID)
            let providers = try resolveProviders(service: service, providerID: request.providerID)
            try resolveLocation(request.locationID)
            let start = Int64(request.start.timeIntervalSince1970.rounded(.down))
            let nowSeconds = Int64(now.timeIntervalSince1970)
            if start < nowSeconds { return .failure(.inPast) }
            if start < nowSeconds + Int64(schedule.rules.minimumNoticeMinutes) * 60 {
                return .failure(.insideMinimumNotice(minutes: schedule.rules.minimumNoticeMinutes))
            }
            let local = schedule.clock.local(utcSeconds: start)
            let horizonEnd = schedule.clock.local(now).date.adding(days: schedule.rules.horizonDays)
            if local.date > horizonEnd { return .failure(.beyondHorizon(days: schedule.rules.horizonDays)) }
            if let closure = schedule.closure(provider: request.providerID, on: local.date) { return .failure(closure) }
            let end = start + Int64(service.duration) * 60
            let timelines = busy.mapValues(BusyTimeline.init)
            var inHours: [Slot] = []
            for provider in providers {
                if schedule.closure(provider: provider, on: local.date) != nil { continue }
                for location in locations(of: provider, filter: request.locationID) {
                    let periods = schedule.workingPeriods(provider: provider, location: location, on: local.date)
                    guard periods.contains(where: { $0.lowerBound <= local.minutes && local.minutes + service.duration <= $0.upperBound }) else { continue }
                    let slot = makeSlot(start: start, end: end, provider: provider, location: location, service: service.id)
                    if !isBusy(start: start, end: end, service: service, timeline: timelines[provider]) { return .success(slot) }
                    inHours.append(slot)
                }
            }
            if inHours.isEmpty {
                if request.providerID == nil, providers.allSatisfy({ schedule.closure(provider: $0, on: local.date) != nil }),
                   let closure = schedule.closure(provider: providers.first, on: local.date) {
                    return .failure(closure)
                }
                return .failure(whyNotInHours(service: service, providers: providers, request: request, local: local))
            }
            return .failure(.slotUnavailable(alternatives: alternatives(near: request, busy: busy, now: now)))
        } catch let error as SchedulingError {
            return .failure(error)
        } catch {
            return .failure(.invalid(field: "request", message: "\(error)"))
        }
    }

    /// Up to `count` free slots closest to the requested time, that day or later, in time order.
    public func alternatives(near request: BookingRequest, busy: [String: [BusyInterval]], now: Date, count: Int = 3) -> [Slot] {
        let day = schedule.clock.local(request.start).date
        let query = AvailabilityQuery(
            serviceID: request.serviceID, providerID: request.providerID, locationID: request.locationID,
            from: day, to: day.adding(days: 6), limit: 40, conversationID: request.conversationID)
        guard let found = try? findSlots(query, busy: busy, now: now) else { return [] }
        let target = request.start.timeIntervalSince1970
        return found.slots
            .sorted { abs($0.start.timeIntervalSince1970 - target) < abs($1.start.timeIntervalSince1970 - target) }
            .prefix(count)
            .sorted { $0.start < $1.start }
    }

    // MARK: - Internals

    private func slots(
        on date: LocalDate, service: CompiledSchedule.Service, providers: [String], query: AvailabilityQuery,
        timelines: [String: BusyTimeline], nowSeconds: Int64
    ) -> [Slot] {
        if schedule.closure(provider: nil, on: date) != nil { return [] }
        let day = schedule.clock.day(date)
        let weekday = date.weekdayIndex
        let step = max(1, schedule.rules.slotStepMinutes)
        let earliest = nowSeconds + Int64(schedule.rules.minimumNoticeMinutes) * 60
        var result: [Slot] = []
        var seenStarts: Set<Int64> = []
        for provider in providers {
            let overridden = schedule.hasOverride(provider: provider, on: date)
            if overridden, schedule.closure(provider: provider, on: date) != nil { continue }
            let timeline = timelines[provider]
            for (location, week) in schedule.regularWeek[provider] ?? [] where query.locationID.map({ $0 == location }) ?? true {
                let periods = overridden ? schedule.workingPeriods(provider: provider, location: location, on: date) : week[weekday]
                for period in periods {
                    // Only starts the caller accepts, on the grid aligned to local midnight.
                    let first = max(period.lowerBound, query.timeOfDay.earliestStart)
                    let last = min(period.upperBound - service.duration, query.timeOfDay.latestStart - 1)
                    var minute = (first + step - 1) / step * step
                    while minute <= last {
                        defer { minute += step }
                        guard let start = day.utcSeconds(minutes: minute), start >= earliest else { continue }
                        let end = start + Int64(service.duration) * 60
                        if query.oneProviderPerTime, seenStarts.contains(start) { continue }
                        if isBusy(start: start, end: end, service: service, timeline: timeline) { continue }
                        seenStarts.insert(start)
                        result.append(makeSlot(start: start, end: end, provider: provider, location: location, service: service.id))
                    }
                }
            }
        }
        // Providers were visited in profile order, so a stable sort keeps that order per time.
        return result.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
    }

    private func isBusy(start: Int64, end: Int64, service: CompiledSchedule.Service, timeline: BusyTimeline?) -> Bool {
        guard let timeline else { return false }
        return timeline.overlaps(start: start - Int64(service.bufferBefore) * 60, end: end + Int64(service.bufferAfter) * 60)
    }

    private func makeSlot(start: Int64, end: Int64, provider: String, location: String, service: String) -> Slot {
        Slot(start: Date(timeIntervalSince1970: TimeInterval(start)), end: Date(timeIntervalSince1970: TimeInterval(end)),
             providerID: provider, locationID: location, serviceID: service)
    }

    private func locations(of provider: String, filter: String?) -> [String] {
        let all = schedule.providerLocations[provider] ?? []
        guard let filter else { return all }
        return all.contains(filter) ? [filter] : []
    }

    package func resolveService(_ id: String) throws -> CompiledSchedule.Service {
        guard let service = schedule.services[id] else { throw SchedulingError.notFound("service") }
        return service
    }

    private func resolveProviders(service: CompiledSchedule.Service, providerID: String?) throws -> [String] {
        guard let providerID else { return schedule.providerOrder.filter(service.providers.contains) }
        guard schedule.providerLocations[providerID] != nil else { throw SchedulingError.notFound("provider") }
        guard service.providers.contains(providerID) else {
            let name = schedule.profile.providers.first { $0.id == providerID }?.name ?? providerID
            throw SchedulingError.invalid(field: "provider_id", message: "\(name) does not offer \(service.name)")
        }
        return [providerID]
    }

    private func resolveLocation(_ id: String?) throws {
        if let id, schedule.locationHours[id] == nil { throw SchedulingError.notFound("location") }
    }
}
