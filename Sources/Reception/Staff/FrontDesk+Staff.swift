import Foundation
import Scheduling

/// What the practice's staff read and change (the REST API, the console, the command line):
/// the book with filters, patients, the calls the assistant took, the profile. Staff and the
/// system only; a caller is refused before anything is read.
extension FrontDesk {
    // MARK: - Appointments

    /// A page of the book, sorted by start then id.
    public func appointments(_ filter: AppointmentFilter, page: PageRequest, for actor: FrontDeskActor) async throws(FrontDeskError) -> Page<AppointmentRecord> {
        try requireStaff(actor)
        return try await attempt { try await store.appointmentRecords(filter, page: page) }
    }

    /// One appointment with its changes; `.refused(.notFound("appointment"))` for an unknown id.
    public func appointment(id: Int64, for actor: FrontDeskActor) async throws(FrontDeskError) -> AppointmentRecord {
        try requireStaff(actor)
        guard let record = try await attempt({ try await store.appointmentRecord(id: id) }) else { throw .refused(.notFound("appointment")) }
        return record
    }

    // MARK: - Patients

    /// Patients whose name contains `query` or whose number contains its digits, by id.
    public func patients(matching query: String?, page: PageRequest, for actor: FrontDeskActor) async throws(FrontDeskError) -> Page<Patient> {
        try requireStaff(actor)
        return try await attempt { try await store.patients(matching: query, page: page) }
    }

    /// One patient; `.refused(.notFound("patient"))` for an unknown id.
    public func patient(id: Int64, for actor: FrontDeskActor) async throws(FrontDeskError) -> Patient {
        try requireStaff(actor)
        guard let patient = try await attempt({ try await store.patient(id: id) }) else { throw .refused(.notFound("patient")) }
        return patient
    }

    /// The calls from a patient's number or that acted for them, newest first.
    public func calls(of patient: Patient, limit: Int, for actor: FrontDeskActor) async throws(FrontDeskError) -> [CallRecord] {
        try requireStaff(actor)
        return try await attempt { try await store.calls(ofPatient: patient, limit: limit) }
    }

    /// Adds a patient on file. With a `requestKey`, asking again returns the patient the first
    /// request created; a different patient under the same key is refused.
    public func createPatient(_ patient: NewPatient, requestKey: String? = nil, for actor: FrontDeskActor, now: Date) async throws(FrontDeskError) -> Patient {
        try requireStaff(actor)
        let key = exactlyOnceKey(operation: "create_patient", patientID: nil, actor: actor, requestKey: requestKey, canonical: "")
        let created = try await attempt {
            try await store.createPatient(patient, idempotencyKey: key, change: actor.change(actingFor: nil), now: now)
        }
        if requestKey != nil,
           Patient.nameKey(first: created.firstName, last: created.lastName) != Patient.nameKey(first: patient.firstName, last: patient.lastName)
            || LocalDate(patient.dateOfBirth) != LocalDate(created.dateOfBirth) {
            throw .keyReused
        }
        return created
    }

    /// Changes a patient's phone or email. A number that, with the date of birth, is another
    /// patient's already is `.refused(.duplicatePatient)`.
    public func updateContact(patientID: Int64, _ update: ContactUpdate, for actor: FrontDeskActor, now: Date) async throws(FrontDeskError) -> Patient {
        try requireStaff(actor)
        return try await attempt {
            try await store.updateContact(patientID: patientID, update, change: actor.change(actingFor: patientID), now: now)
        }
    }

    // MARK: - Calls

    /// A page of the call log, newest first.
    public func calls(_ filter: CallFilter, page: PageRequest, for actor: FrontDeskActor) async throws(FrontDeskError) -> Page<CallRecord> {
        try requireStaff(actor)
        return try await attempt { try await store.calls(filter, page: page) }
    }

    /// One call, whole; `.refused(.notFound("call"))` for an unknown id.
    public func call(id: String, for actor: FrontDeskActor) async throws(FrontDeskError) -> CallTranscript {
        try requireStaff(actor)
        guard let call = try await attempt({ try await store.callTranscript(id: id) }) else { throw .refused(.notFound("call")) }
        return call
    }

    // MARK: - The day

    /// One day of the business, a column per provider (profile order).
    public func daySheet(on date: LocalDate, for actor: FrontDeskActor, now: Date) async throws(FrontDeskError) -> DaySheet {
        try requireStaff(actor)
        return try await attempt { try await store.daySheet(on: date, now: now) }
    }

    /// Changes committed after `sequence` (the outbox), for live pages.
    public func events(after sequence: Int64, limit: Int = 100, for actor: FrontDeskActor) async throws(FrontDeskError) -> [StaffEvent] {
        try requireStaff(actor)
        return try await attempt { try await store.events(after: sequence, limit: limit) }
    }

    public func latestEventSequence(for actor: FrontDeskActor) async throws(FrontDeskError) -> Int64 {
        try requireStaff(actor)
        return try await attempt { try await store.latestEventSequence() }
    }

    // MARK: - The business

    /// Replaces the business profile after validating all of it; a bad one changes nothing
    /// and the refusal names the place (`providers[1].hours[2]`).
    public func replaceProfile(_ profile: BusinessProfile, for actor: FrontDeskActor, now: Date) async throws(FrontDeskError) {
        try requireStaff(actor)
        try await attempt { try await store.importProfile(profile, now: now) }
    }

    /// Staff and the system may; a caller may not.
    func requireStaff(_ actor: FrontDeskActor) throws(FrontDeskError) {
        if case .caller = actor { throw .notPermitted("Only staff can do this.") }
    }
}
