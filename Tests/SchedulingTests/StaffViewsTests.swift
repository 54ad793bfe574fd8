import Foundation
import Logging
import Reception
import SQLiteStore
import Scheduling
import Testing

/// What staff read and change through the use-case layer (the REST API and the console sit on
/// these): filtered, paged lists that neither repeat nor skip, calls with what they led to,
/// patients, the day sheet, each refused to a caller.
@Suite("Staff views: lists, calls, patients and the day")
struct StaffViewsTests {
    static let maria = FrontDeskActor.staff(StaffMember(id: "maria", channel: "api"))
    static let caller = FrontDeskActor.caller(CallerSession(conversationID: "c1", callerNumber: "+12125550000"))

    static func desk() throws -> (FrontDesk, AppointmentBook) {
        let book = try TestBook.make()
        return (FrontDesk(store: SQLiteFrontDeskStore(book: book), logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })), book)
    }

    @Test func appointmentPagesWalkTheFilteredBookInStartOrderWithoutRepeatsOrGaps() async throws {
        let (desk, book) = try Self.desk()
        let one = try TestBook.patient(book, 1), two = try TestBook.patient(book, 2)
        var made: [Appointment] = []
        for (patient, provider, day, time) in [(one, "alice", "2026-03-03", "10:00"), (two, "bob", "2026-03-03", "10:00"),
                                               (one, "bob", "2026-03-04", "09:00"), (two, "alice", "2026-03-04", "14:00"),
                                               (one, "bob", "2026-03-05", "16:00")] {
            made.append(try await desk.book(AppointmentRequest(serviceID: "checkup", providerID: provider, start: TestBook.local(day, time),
                                                               patientID: patient.id), for: Self.maria, now: TestBook.now))
        }
        _ = try await desk.cancel(appointmentID: made[2].id, reason: "ill", for: Self.maria, now: TestBook.now)

        // When staff walk every page of two
        var seen: [Int64] = []
        var page = PageRequest(limit: 2)
        while true {
            let found = try await desk.appointments(AppointmentFilter(), page: page, for: Self.maria)
            seen += found.items.map(\.appointment.id)
            guard let next = found.next else { break }
            page.after = next
        }
        // Then each appointment comes once, by start then id
        let expected = made.sorted { ($0.start, $0.id) < ($1.start, $1.id) }.map(\.id)
        #expect(seen == expected)
        // and every filter narrows
        func ids(_ filter: AppointmentFilter) async throws -> [Int64] {
            try await desk.appointments(filter, page: PageRequest(limit: 50), for: Self.maria).items.map(\.appointment.id)
        }
        #expect(try await ids(AppointmentFilter(providerID: "bob")) == [made[1].id, made[2].id, made[4].id])
        #expect(try await ids(AppointmentFilter(status: .cancelled)) == [made[2].id])
        #expect(try await ids(AppointmentFilter(from: LocalDate("2026-03-04"), to: LocalDate("2026-03-04"))) == [made[2].id, made[3].id])
        #expect(try await ids(AppointmentFilter(patientID: two.id)) == [made[1].id, made[3].id])
        #expect(try await ids(AppointmentFilter(phoneDigits: "5550002")) == [made[1].id, made[3].id])
        // and one appointment carries its history: made and cancelled by Maria
        let record = try await desk.appointment(id: made[2].id, for: Self.maria)
        #expect(record.changes.map(\.action) == ["booking.created", "booking.cancelled"])
        #expect(record.changes.allSatisfy { $0.actorID == "maria" && $0.channel == "api" })
        #expect(record.patient.id == one.id)
        // and a caller may read none of it
        await #expect(throws: FrontDeskError.notPermitted("Only staff can do this.")) {
            try await desk.appointments(AppointmentFilter(), page: PageRequest(limit: 1), for: Self.caller)
        }
    }

    @Test func callsSayWhatTheyLedToAndTheirTranscriptLinksToolCallsToTheirAuditRows() async throws {
        let (desk, book) = try Self.desk()
        let patient = try TestBook.patient(book, 3)
        let log = try CallLog(path: book.path)
        let start = TestBook.now
        // A call that booked (its tool round, its audit row, its change), one that failed,
        // one handed to a person, one that only asked.
        let booked = try book.book(
            BookingRequest(patientID: patient.id, serviceID: "checkup", providerID: "alice", start: TestBook.local("2026-03-03", "10:00"),
                           conversationID: "call:book"),
            change: ChangeRecord(actorKind: .caller, actorID: "patient:\(patient.id)", conversationID: "call:book", channel: "voice"),
            now: start)
        let rounds = """
            [{"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function","function":{"name":"book_appointment","arguments":"{\\"service_id\\":\\"checkup\\"}"}}]},
             {"role":"tool","tool_call_id":"t1","content":"{\\"booked\\":true}"}]
            """
        func turn(_ id: String, caller: String, at seconds: Double, messages: String = "[]", client: String = "[]", error: String? = nil,
                  audit: [AuditEntry] = []) -> CallTurnRecord {
            CallTurnRecord(conversationID: id, telephonyCallID: nil, caller: caller, persona: "default", requestID: "r-\(id)", anchorPosition: 1,
                           anchorDigest: "d", callerText: "hello from \(id)", internalMessages: messages, answer: error == nil ? "ok" : nil,
                           clientToolCalls: client, finishReason: "stop", error: error, streamed: true,
                           startedAt: start.addingTimeInterval(seconds), durationMilliseconds: 900, toolAudit: audit)
        }
        try log.append([
            turn("call:book", caller: "+12125550003", at: 1, messages: rounds,
                 audit: [AuditEntry(conversationID: "call:book", toolCallID: "t1", toolName: "book_appointment", arguments: "{}", outcome: "ok",
                                    durationMilliseconds: 7, createdAt: start)]),
            turn("call:fail", caller: "+13105550199", at: 2, error: "upstream timed out"),
            turn("call:transfer", caller: "+13105550142", at: 3,
                 client: #"[{"id":"x","type":"function","function":{"name":"transfer","arguments":"{}"}}]"#),
            turn("call:info", caller: "+13105550142", at: 4),
        ])

        func calls(_ filter: CallFilter) async throws -> [String] {
            try await desk.calls(filter, page: PageRequest(limit: 50), for: Self.maria).items.map(\.id)
        }
        // Then the list is newest first with each call's outcome
        let all = try await desk.calls(CallFilter(), page: PageRequest(limit: 50), for: Self.maria).items
        #expect(all.map(\.id) == ["call:info", "call:transfer", "call:fail", "call:book"])
        #expect(all.map(\.outcomes) == [[.info], [.transferred], [.failed], [.booked]])
        #expect(all.last?.tools == ["book_appointment"])
        // and each filter finds its calls
        #expect(try await calls(CallFilter(outcome: .booked)) == ["call:book"])
        #expect(try await calls(CallFilter(outcome: .info)) == ["call:info"])
        #expect(try await calls(CallFilter(callerDigits: "550142")) == ["call:info", "call:transfer"])
        #expect(try await calls(CallFilter(tool: "book_appointment")) == ["call:book"])
        #expect(try await calls(CallFilter(from: LocalDate("2026-03-03"))) == [])
        // and pages of one walk all four
        var page = PageRequest(limit: 1), walked: [String] = []
        while true {
            let found = try await desk.calls(CallFilter(), page: page, for: Self.maria)
            walked += found.items.map(\.id)
            guard let next = found.next else { break }
            page.after = next
        }
        #expect(walked == all.map(\.id))
        // and the booking call's transcript pairs the tool call with its result and audit row,
        // and links the appointment it made
        let transcript = try await desk.call(id: "call:book", for: Self.maria)
        let call = try #require(transcript.turns.first?.toolCalls.first)
        #expect(call.name == "book_appointment" && call.result == #"{"booked":true}"# && call.durationMilliseconds == 7 && call.outcome == "ok")
        #expect(call.auditID != nil)
        #expect(transcript.changes.map(\.appointmentID) == [booked.id])
        #expect(try await desk.call(id: "call:transfer", for: Self.maria).turns.first?.clientToolCalls.map(\.name) == ["transfer"])
        await #expect(throws: FrontDeskError.refused(.notFound("call"))) { try await desk.call(id: "call:none", for: Self.maria) }
        // and the patient's calls are those from their number
        #expect(try await desk.calls(of: patient, limit: 10, for: Self.maria).map(\.id) == ["call:book"])
    }

    @Test func staffAddPatientsOnceUnderAKeyAndChangeContactDetailsWithTheSameUniquenessRules() async throws {
        let (desk, book) = try Self.desk()
        let ana = NewPatient(firstName: "Ana", lastName: "Silva", dateOfBirth: "1990-05-06", phone: "(212) 555-0171", email: "ana@example.com")
        // When staff add a patient twice under one key, and another under the same key
        let first = try await desk.createPatient(ana, requestKey: "k1", for: Self.maria, now: TestBook.now)
        let again = try await desk.createPatient(ana, requestKey: "k1", for: Self.maria, now: TestBook.now)
        await #expect(throws: FrontDeskError.keyReused) {
            try await desk.createPatient(NewPatient(firstName: "Bo", lastName: "Li", dateOfBirth: "1980-01-01"), requestKey: "k1",
                                         for: Self.maria, now: TestBook.now)
        }
        // Then one patient, with the number normalised
        #expect(first == again && first.phone == "+12125550171")
        #expect(try await desk.patients(matching: nil, page: PageRequest(limit: 10), for: Self.maria).items.map(\.id) == [first.id])
        // and search finds them by part of a name or by digits of the number
        let other = try await desk.createPatient(NewPatient(firstName: "Bo", lastName: "Li", dateOfBirth: "1980-01-01", phone: "+13105550100"),
                                                 for: Self.maria, now: TestBook.now)
        func search(_ text: String) async throws -> [Int64] {
            try await desk.patients(matching: text, page: PageRequest(limit: 10), for: Self.maria).items.map(\.id)
        }
        #expect(try await search("SIL") == [first.id])
        #expect(try await search("ana silva") == [first.id])
        #expect(try await search("555-0100") == [other.id])
        #expect(try await search("zzz").isEmpty)
        // and a contact change that would make two patients one (same number and birth date) is refused
        await #expect(throws: FrontDeskError.refused(.duplicatePatient(existingID: first.id))) {
            _ = try await desk.createPatient(NewPatient(firstName: "Ann", lastName: "Other", dateOfBirth: "1990-05-06", phone: "+13105550111"),
                                             for: Self.maria, now: TestBook.now)
            let twin = try await desk.patients(matching: "other", page: PageRequest(limit: 1), for: Self.maria).items[0]
            _ = try await desk.updateContact(patientID: twin.id, ContactUpdate(phone: .set("+12125550171")), for: Self.maria, now: TestBook.now)
        }
        await #expect(throws: FrontDeskError.refused(.invalid(field: "email", message: "is not a valid email address"))) {
            try await desk.updateContact(patientID: first.id, ContactUpdate(email: .set("not an email")), for: Self.maria, now: TestBook.now)
        }
        let cleared = try await desk.updateContact(patientID: first.id, ContactUpdate(email: .cleared), for: Self.maria, now: TestBook.now)
        #expect(cleared.email == nil && cleared.phone == "+12125550171")
        // and each change is audited as Maria's
        let audit = try book.changeAudit().filter { $0.action.hasPrefix("patient.") }
        #expect(audit.map(\.action) == ["patient.created", "patient.created", "patient.created", "patient.updated"])
        #expect(audit.allSatisfy { $0.change.actorID == "maria" && $0.appointmentID == nil })
    }

    @Test func theDaySheetShowsEachProvidersWorkingTimeBookingsHoldsAndTheGapsBetween() async throws {
        let (desk, book) = try Self.desk()
        let patient = try TestBook.patient(book, 4)
        _ = try await desk.book(AppointmentRequest(serviceID: "checkup", providerID: "alice", start: TestBook.local("2026-03-03", "10:00"),
                                                   patientID: patient.id), for: Self.maria, now: TestBook.now)
        _ = try book.hold(serviceID: "checkup", providerID: "bob", locationID: nil, start: TestBook.local("2026-03-03", "09:00"),
                          conversationID: "call:live", now: TestBook.now)
        // When staff read the day
        let sheet = try await desk.daySheet(on: LocalDate("2026-03-03")!, for: Self.maria, now: TestBook.now)
        // Then Alice has her booking and the time around it and her lunch free, Bob his hold
        func local(_ interval: DateInterval) -> String {
            func hm(_ date: Date) -> String { let m = TestBook.clock.local(date).minutes; return String(format: "%02d:%02d", m / 60, m % 60) }
            return "\(hm(interval.start))-\(hm(interval.end))"
        }
        let alice = try #require(sheet.columns.first { $0.providerID == "alice" })
        #expect(alice.working.map(local) == ["09:00-12:00", "13:00-17:00"])
        #expect(alice.appointments.count == 1)
        #expect(alice.gaps.map(local) == ["09:00-10:00", "10:30-12:00", "13:00-17:00"])
        let bob = try #require(sheet.columns.first { $0.providerID == "bob" })
        #expect(bob.holds.map(\.conversationID) == ["call:live"])
        #expect(bob.gaps.map(local) == ["09:30-17:00"])
        // and a day off shows no working time
        #expect(try await desk.daySheet(on: LocalDate("2026-03-11")!, for: Self.maria, now: TestBook.now).columns
            .first { $0.providerID == "bob" }?.working.isEmpty == true)
    }
}

@Suite("A call's end, as the telephony provider reports it")
struct CallEndingTests {
    @Test func aCallEndsOnceWithOneCallEndedEventEvenWhenTheEndingIsReportedTwiceOrTheCallWasNeverSeen() throws {
        let book = try TestBook.make()
        let log = try CallLog(path: book.path)
        try log.append([CallTurnRecord(conversationID: "call:v3:abc", telephonyCallID: "v3:abc", caller: "+12125550101", persona: "default",
                                       requestID: "r1", anchorPosition: 1, anchorDigest: "d", callerText: "hi", answer: "hello", finishReason: "stop",
                                       streamed: true, startedAt: TestBook.now, durationMilliseconds: 800)])
        let end = TestBook.now.addingTimeInterval(60)
        // The assistant's conversation ended (known by its call_control_id), then the hangup arrives too
        #expect(try book.endCall(ids: ["call:v3:abc", "call:conv-1"], caller: "+12125550101", calledNumber: "+12125550140",
                                 durationSeconds: 60, reason: "conversation_ended", endedAt: end))
        #expect(try !book.endCall(ids: ["call:v3:abc"], caller: nil, calledNumber: nil, durationSeconds: 61, reason: "normal_clearing", endedAt: end))
        // A call FrontDesk never heard a turn of still ends, under the first id, with no turns
        #expect(try book.endCall(ids: ["call:v3:zzz", "call:conv-2"], caller: "+13105550100", calledNumber: nil, durationSeconds: 5,
                                 reason: "user_busy", endedAt: end))
        let events = try book.outboxEvents().filter { $0.type == "call.ended" }
        #expect(events.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(events[0].data.utf8)) as? [String: Any])
        #expect(first["call_id"] as? String == "call:v3:abc" && first["duration_sec"] as? Int == 60 && first["turns"] as? Int == 1)
        #expect(first["url"] as? String == "/api/v1/calls/call%3Av3%3Aabc")
        let call = try #require(try book.callTranscript(id: "call:v3:abc")?.call)
        #expect(call.durationSeconds == 60 && call.endReason == "conversation_ended" && call.endedAt == end)
        #expect(try book.callTranscript(id: "call:v3:zzz")?.call.turns == 0)
    }
}
