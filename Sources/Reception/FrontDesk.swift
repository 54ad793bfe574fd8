import Foundation
import Logging
import Scheduling

/// The front desk of one business: every operation a caller, a staff member or FrontDesk
/// itself may perform, each applying authority, validation, exactly-once keys and audit
/// itself. Every channel (the voice tools, the REST API, the console, reminders) goes through
/// here, so none of them holds a rule of its own.
///
/// Reads and writes go to the `FrontDeskStore`; every change commits there together with its
/// audit row and outbox event.
public final class FrontDesk: Sendable {
    public let store: any FrontDeskStore
    let logger: Logger
    let maxFailedVerifications: Int
    let budget: VerificationBudget

    /// - Parameters:
    ///   - maxFailedVerifications: answers that confirm or deny a name + date of birth one
    ///     conversation may get.
    ///   - budget: the same, per caller number and per patient name, kept in the store.
    public init(store: any FrontDeskStore, logger: Logger, maxFailedVerifications: Int = 5, budget: VerificationBudget = .init()) {
        self.store = store
        self.logger = logger
        self.maxFailedVerifications = maxFailedVerifications
        self.budget = budget
    }

    // MARK: - The business

    /// The business profile. Throws `.unavailable` when there is none or it cannot be read.
    public func profile() async throws(FrontDeskError) -> BusinessProfile {
        try await attempt { try await store.profile() }
    }

    /// Throws `.unavailable` when the storage cannot be read or was replaced.
    public func checkStorage() async throws(FrontDeskError) {
        try await attempt { try await store.checkStorage() }
    }

    // MARK: - Availability

    /// Free slots for `query`. For a caller whose patient has a preferred (or assigned)
    /// provider who offers the service, and who asked for nobody in particular, that
    /// provider's slots come first (`preferredProviderID` says so).
    public func findSlots(_ query: AvailabilityQuery, for actor: FrontDeskActor? = nil, now: Date) async throws(FrontDeskError) -> SlotSearch {
        let started = ContinuousClock.now
        defer { FrontDeskMetrics.searched(since: started) }
        guard query.providerID == nil, let actor, case .caller = actor, let acting = try await actingPatient(actor),
              let preferred = acting.patient.preferredProviderID
        else {
            return SlotSearch(result: try await attempt { try await store.findAvailableSlots(query, now: now) }, preferredProviderID: nil)
        }
        let profile = try await profile()
        guard profile.services.first(where: { $0.id == query.serviceID })?.providers.contains(preferred) == true else {
            return SlotSearch(result: try await attempt { try await store.findAvailableSlots(query, now: now) }, preferredProviderID: nil)
        }
        var theirs = query
        theirs.providerID = preferred
        let first = try await attempt { try await store.findAvailableSlots(theirs, now: now) }
        let anyone = try await attempt { try await store.findAvailableSlots(query, now: now) }
        // Theirs first, then anyone else's, within the number of slots asked for.
        var remaining = query.limit
        var days: [AvailabilityResult.Day] = []
        for var day in first.days + anyone.days.map({ day in
            var others = day
            others.slots.removeAll { $0.providerID == preferred }
            return others
        }) {
            day.slots = Array(day.slots.prefix(remaining))
            remaining -= day.slots.count
            if !day.slots.isEmpty { days.append(day) }
        }
        let merged = AvailabilityResult(days: days, nextAvailableDate: days.isEmpty ? anyone.nextAvailableDate : nil)
        return SlotSearch(result: merged, preferredProviderID: first.slots.isEmpty ? nil : preferred)
    }

    // MARK: - Appointments

    /// Holds a slot for the caller's conversation for the business's hold time. Only a caller
    /// who is recognised or verified may hold; a hold belongs to the conversation.
    public func hold(
        serviceID: String, providerID: String?, locationID: String?, start: Date, for actor: FrontDeskActor, now: Date
    ) async throws(FrontDeskError) -> Hold {
        if case .caller = actor { _ = try await requirePatient(actor) }
        return try await attempt {
            try await store.hold(serviceID: serviceID, providerID: providerID, locationID: locationID, start: start,
                                 conversationID: Self.conversation(of: actor), now: now)
        }
    }

    /// Books `request` (or confirms its hold) for the patient the actor acts for. A caller's
    /// booking is keyed by conversation + patient + the request, a staff booking by its
    /// `requestKey`: asked again, the first booking comes back while it still stands.
    public func book(_ request: AppointmentRequest, for actor: FrontDeskActor, now: Date) async throws(FrontDeskError) -> Appointment {
        let patientID = try await patientID(for: actor, explicit: request.patientID)
        let key = exactlyOnceKey(operation: "book", patientID: patientID, actor: actor, requestKey: request.requestKey,
                                 canonical: request.canonical)
        let change = actor.change(actingFor: patientID)
        let transaction = ContinuousClock.now
        defer { FrontDeskMetrics.transaction("create", since: transaction) }
        let booked = try await attempt {
            if let holdID = request.holdID {
                return try await store.confirmHold(holdID, patientID: patientID, conversationID: Self.conversation(of: actor),
                                                   notes: request.notes, idempotencyKey: key, change: change, now: now)
            }
            return try await store.book(
                BookingRequest(patientID: patientID, serviceID: request.serviceID, providerID: request.providerID,
                               locationID: request.locationID, start: request.start, notes: request.notes,
                               conversationID: change.conversationID, idempotencyKey: key),
                change: change, now: now)
        }
        // A client's key names one request: the same key with another booking is refused
        // (the first booking stands), never answered with a booking that was not asked for.
        if request.requestKey != nil, request.holdID == nil,
           booked.patientID != patientID || booked.serviceID != request.serviceID || booked.start != request.start
            || (booked.notes ?? "") != (request.notes ?? "")
            || request.providerID.map({ $0 != booked.providerID }) == true || request.locationID.map({ $0 != booked.locationID }) == true {
            throw .keyReused
        }
        FrontDeskMetrics.changed("created", by: actor)
        return booked
    }

    /// Cancels an appointment: a caller only their own (anyone else's is `not_found`), staff
    /// and the system any of the business's. Cancelling a cancelled one returns it unchanged,
    /// with `changed` false (and is not counted again).
    @discardableResult
    public func cancel(
        appointmentID: Int64, reason: String?, for actor: FrontDeskActor, now: Date
    ) async throws(FrontDeskError) -> (appointment: Appointment, changed: Bool) {
        let owner = try await ownerScope(actor)
        let transaction = ContinuousClock.now
        defer { FrontDeskMetrics.transaction("cancel", since: transaction) }
        let cancelled = try await attempt {
            try await store.cancel(appointmentID: appointmentID, patientID: owner, reason: reason,
                                   change: actor.change(actingFor: owner), now: now)
        }
        if cancelled.changed { FrontDeskMetrics.changed("cancelled", by: actor) }
        return cancelled
    }

    /// One appointment the actor may see (a caller only their own patient's; anyone else's is
    /// `not_found`), in any status: what a change is read back from before it is made.
    public func ownAppointment(id: Int64, for actor: FrontDeskActor) async throws(FrontDeskError) -> Appointment {
        let owner = try await ownerScope(actor)
        return try await attempt { try await store.appointment(id: id, patientID: owner) }
    }

    /// Moves an appointment to `newStart` in one transaction (see `cancel` for whose).
    public func reschedule(
        appointmentID: Int64, to newStart: Date, providerID: String?, locationID: String?, requestKey: String? = nil,
        for actor: FrontDeskActor, now: Date
    ) async throws(FrontDeskError) -> Appointment {
        let owner = try await ownerScope(actor)
        let canonical = "appointment:\(appointmentID)|start:\(Int64(newStart.timeIntervalSince1970))|provider:\(providerID ?? "")|location:\(locationID ?? "")"
        let key = exactlyOnceKey(operation: "reschedule", patientID: owner, actor: actor, requestKey: requestKey, canonical: canonical)
        let transaction = ContinuousClock.now
        defer { FrontDeskMetrics.transaction("reschedule", since: transaction) }
        let moved = try await attempt {
            try await store.reschedule(appointmentID: appointmentID, patientID: owner, to: newStart, providerID: providerID,
                                       locationID: locationID, idempotencyKey: key, change: actor.change(actingFor: owner), now: now)
        }
        if requestKey != nil, moved.rescheduledFrom != appointmentID || moved.start != newStart
            || providerID.map({ $0 != moved.providerID }) == true || locationID.map({ $0 != moved.locationID }) == true {
            throw .keyReused
        }
        FrontDeskMetrics.changed("rescheduled", by: actor)
        return moved
    }

    /// Marks a booked appointment as confirmed by the patient (a reply to a reminder, staff on
    /// the phone). Confirming twice changes nothing.
    public func confirm(appointmentID: Int64, for actor: FrontDeskActor, now: Date) async throws(FrontDeskError) -> Appointment {
        let owner = try await ownerScope(actor)
        let transaction = ContinuousClock.now
        defer { FrontDeskMetrics.transaction("confirm", since: transaction) }
        let confirmed = try await attempt {
            try await store.confirmAppointment(appointmentID: appointmentID, patientID: owner, change: actor.change(actingFor: owner), now: now)
        }
        FrontDeskMetrics.changed("confirmed", by: actor)
        return confirmed
    }

    /// The acting caller's upcoming appointments (staff and the system name the patient).
    public func upcomingAppointments(
        for actor: FrontDeskActor, patientID explicit: Int64? = nil, now: Date
    ) async throws(FrontDeskError) -> (patient: Patient, appointments: [Appointment]) {
        let patient: Patient
        if case .caller = actor {
            patient = try await requirePatient(actor)
        } else {
            let patientID = try await patientID(for: actor, explicit: explicit)
            guard let found = try await attempt({ try await store.patient(id: patientID) }) else { throw .refused(.notFound("patient")) }
            patient = found
        }
        return (patient, try await attempt { try await store.appointments(forPatient: patient.id, from: now) })
    }

    /// The day's schedule (or the whole book), for staff and the system only.
    public func schedule(
        on date: LocalDate?, provider: String? = nil, patientPhone: String? = nil, for actor: FrontDeskActor
    ) async throws(FrontDeskError) -> [AppointmentListing] {
        if case .caller = actor { throw .notPermitted("Only staff can read the schedule.") }
        return try await attempt { try await store.listAppointments(date: date, provider: provider, patientPhone: patientPhone) }
    }

    /// A caller the number recognises, with their next appointment and the profile to name it
    /// by: the live context a call starts with, read once per turn in one store read.
    public func recognisedCaller(phone: String, now: Date) async throws(FrontDeskError) -> RecognisedCaller? {
        try await attempt { try await store.recognisedCaller(phone: phone, now: now) }
    }

    // MARK: - Shared

    /// The patient an actor acts for: a caller's own (recognised or verified; a patient id
    /// they name is ignored), or the one staff and the system name.
    func patientID(for actor: FrontDeskActor, explicit: Int64?) async throws(FrontDeskError) -> Int64 {
        switch actor {
        case .caller:
            return try await requirePatient(actor).id
        case .staff, .system:
            guard let explicit else { throw .refused(.invalid(field: "patient_id", message: "is required")) }
            // Named by a client: an unknown id is said plainly, not left to a foreign key.
            guard try await attempt({ try await store.patient(id: explicit) }) != nil else { throw .refused(.notFound("patient")) }
            return explicit
        }
    }

    /// Whose appointments the actor may change: a caller only their own patient's, others any.
    func ownerScope(_ actor: FrontDeskActor) async throws(FrontDeskError) -> Int64? {
        if case .caller = actor { return try await requirePatient(actor).id }
        return nil
    }

    /// A caller's changes are keyed by conversation + operation + patient + the canonical
    /// request; others' by the key their client sent (REST `Idempotency-Key`), or not at all.
    func exactlyOnceKey(operation: String, patientID: Int64?, actor: FrontDeskActor, requestKey: String?, canonical: String) -> String? {
        let scope = Self.conversation(of: actor)
        if case .caller = actor { return "\(scope)|\(operation)|patient:\(patientID.map(String.init) ?? "")|\(canonical)" }
        return requestKey.map { "\(scope)|\(operation)|\($0)" }
    }

    /// What holds and exactly-once keys belong to: the call's conversation, or the staff
    /// member or job acting.
    static func conversation(of actor: FrontDeskActor) -> String {
        switch actor {
        case .caller(let session): session.conversationID
        case .staff(let member): "staff:\(member.id)"
        case .system(let job): "system:\(job)"
        }
    }

    /// Runs a store call, turning what it throws into the layer's one error type.
    func attempt<T>(_ body: () async throws -> T) async throws(FrontDeskError) -> T {
        do {
            return try await body()
        } catch let error as FrontDeskError {
            throw error
        } catch SchedulingError.storageReplaced(let path) {
            logger.error("the database file was replaced under the running process; refusing writes", metadata: ["path": "\(path)"])
            throw .replaced
        } catch let error as SchedulingError {
            FrontDeskMetrics.refused(error)
            throw .refused(error)
        } catch {
            logger.error("storage failed", metadata: ["error": "\(error)"])
            throw .unavailable
        }
    }
}

/// What a slot search found, and whose slots were put first.
public struct SlotSearch: Sendable {
    public var result: AvailabilityResult
    /// The patient's preferred provider, when their slots were offered first.
    public var preferredProviderID: String?
}

/// A caller recognised by their number, as of one snapshot of the calendar.
public struct RecognisedCaller: Sendable {
    public var patient: Patient
    public var nextAppointment: Appointment?
    /// The business profile of the same snapshot (to name the appointment's service and provider).
    public var profile: BusinessProfile

    public init(patient: Patient, nextAppointment: Appointment?, profile: BusinessProfile) {
        self.patient = patient
        self.nextAppointment = nextAppointment
        self.profile = profile
    }
}
