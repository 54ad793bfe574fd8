import Foundation
import SQLiteStore
import Reception
import Scheduling
import Testing

/// The attempt budget for name + date-of-birth answers (A10), against a real SQLite file: kept
/// per caller number and per patient name across conversations, counted in the file, audited.
@Suite("Verification attempt budget")
struct VerificationBudgetTests {
    static let budget = VerificationBudget(perCallerNumber: 3, perPatientName: 2, window: 3600)

    func book() throws -> (AppointmentBook, Patient) {
        let book = try TestBook.make()
        let ana = try book.createPatient(NewPatient(firstName: "Ana", lastName: "Lee", dateOfBirth: "1990-02-03", phone: "+13105550100"),
                                         now: TestBook.now)
        return (book, ana)
    }

    @Test func aPatientNameIsLockedAfterItsBudgetWhicheverConversationOrNumberAsks() throws {
        // Given two failed guesses at Ana's birth date from two conversations and two numbers
        let (book, ana) = try book()
        let guess = IdentityClaim(firstName: "ana", lastName: "LEE", dateOfBirth: "1990-02-04")
        #expect(try book.verifyPatient(guess, from: ClaimSource(conversationID: "c1", callerNumber: nil, tool: "search_patients"),
                                       budget: Self.budget, now: TestBook.now) == .denied)
        #expect(try book.verifyPatient(guess, from: ClaimSource(conversationID: "c2", callerNumber: "+13105550199", tool: "search_patients"),
                                       budget: Self.budget, now: TestBook.now) == .denied)
        // When a third conversation gives the right one
        let right = IdentityClaim(firstName: "Ana", lastName: "Lee", dateOfBirth: "1990-02-03")
        let third = ClaimSource(conversationID: "c3", callerNumber: nil, tool: "search_patients")
        // Then it is refused without a look-up, and audited as refused
        #expect(try book.verifyPatient(right, from: third, budget: Self.budget, now: TestBook.now) == .overBudget)
        #expect(try book.verificationAttempts(conversationID: "c3").map(\.outcome) == ["refused"])
        // and once the window has passed, the right answer verifies again
        #expect(try book.verifyPatient(right, from: third, budget: Self.budget, now: TestBook.now.addingTimeInterval(3601)) == .verified(ana))
    }

    @Test func aCallerNumberIsLockedAfterItsBudgetAcrossNamesAndConversations() throws {
        // Given one number that spends its three answers on three different names (creates count too)
        let (book, _) = try book()
        let number = "+1 (310) 555-0177"
        for (index, name) in ["Bo", "Cy"].enumerated() {
            #expect(try book.verifyPatient(IdentityClaim(firstName: name, lastName: "Doe", dateOfBirth: "1980-01-01"),
                                           from: ClaimSource(conversationID: "n\(index)", callerNumber: number, tool: "search_patients"),
                                           budget: Self.budget, now: TestBook.now) == .denied)
        }
        guard case .created = try book.registerPatient(
            NewPatient(firstName: "Di", lastName: "Doe", dateOfBirth: "1980-01-01", phone: number),
            from: ClaimSource(conversationID: "n2", callerNumber: number, tool: "create_patient"), budget: Self.budget, now: TestBook.now)
        else { Issue.record("the first registration should be created"); return }
        // When the same number (written another way) asks again in a new conversation
        let outcome = try book.verifyPatient(IdentityClaim(firstName: "Ed", lastName: "Doe", dateOfBirth: "1980-01-01"),
                                             from: ClaimSource(conversationID: "n3", callerNumber: "+13105550177", tool: "search_patients"),
                                             budget: Self.budget, now: TestBook.now)
        // Then it is over budget
        #expect(outcome == .overBudget)
    }

    @Test func aPatientRegisteredOnSomeoneElsesNumberIsNotRecognisedByIt() throws {
        // Given Ana on her number, and someone registered on it afterwards
        let (book, ana) = try book()
        guard case .created(let child) = try book.registerPatient(
            NewPatient(firstName: "Kit", lastName: "Lee", dateOfBirth: "2015-06-01", phone: ana.phone),
            from: ClaimSource(conversationID: "fam", callerNumber: ana.phone, tool: "create_patient"), now: TestBook.now)
        else { Issue.record("expected a registration"); return }
        // Then the number still identifies Ana alone, and both are on it
        #expect(try book.patient(byPhone: "+13105550100") == ana)
        #expect(try book.patients(byPhone: "+13105550100").map(\.id) == [ana.id, child.id])
        // and the newcomer can still be verified from that phone (family sharing a phone)
        #expect(try book.verifyPatient(IdentityClaim(firstName: "Kit", lastName: "Lee", dateOfBirth: "2015-06-01"),
                                       from: ClaimSource(conversationID: "fam2", callerNumber: ana.phone, tool: "search_patients"),
                                       now: TestBook.now) == .verified(child))
    }
}
