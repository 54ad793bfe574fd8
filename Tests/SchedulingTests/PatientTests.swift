import Foundation
import SQLiteStore
import Scheduling
import Testing

@Suite struct PatientTests {
    let book: AppointmentBook
    let ana: Patient

    init() throws {
        book = try TestBook.make()
        ana = try book.createPatient(NewPatient(firstName: "Ana Maria", lastName: "Lopez", dateOfBirth: "1985-07-14",
                                                phone: "(555) 123-4567", email: "ana@example.com"), now: TestBook.now)
    }

    @Test func phonesAreStoredInE164AndFoundInAnyFormat() throws {
        #expect(ana.phone == "+15551234567")
        for format in ["555-123-4567", "1 555 123 4567", "+1 (555) 123-4567"] {
            #expect(try book.patient(byPhone: format) == ana)
        }
        #expect(try book.patient(byPhone: "555-999-0000") == nil)
        #expect(throws: SchedulingError.self) { try book.patients(byPhone: "12-34") }
    }

    @Test func aSharedFamilyPhoneIsAmbiguous() throws {
        let child = try book.createPatient(NewPatient(firstName: "Luis", lastName: "Lopez", dateOfBirth: "2016-02-01", phone: "5551234567"), now: TestBook.now)
        #expect(try book.patients(byPhone: "555 123 4567") == [ana, child])
        #expect(try book.patient(byPhone: "555 123 4567") == nil)
    }

    @Test func nameAndBirthDateMatchIgnoresCaseAndSpacing() throws {
        #expect(try book.patients(firstName: "  ana   maria ", lastName: "LOPEZ", dateOfBirth: "1985-07-14") == [ana])
        #expect(try book.patients(firstName: "Ana Maria", lastName: "Lopez", dateOfBirth: "1985-07-15").isEmpty)
    }

    @Test func duplicatesReturnTheExistingID() {
        // Same name + date of birth, different phone.
        #expect(throws: SchedulingError.duplicatePatient(existingID: ana.id)) {
            try book.createPatient(NewPatient(firstName: "ANA MARIA", lastName: "lopez ", dateOfBirth: "1985-07-14", phone: "+12125550000"), now: TestBook.now)
        }
        // Same phone + date of birth, different spelling of the name.
        #expect(throws: SchedulingError.duplicatePatient(existingID: ana.id)) {
            try book.createPatient(NewPatient(firstName: "Anna", lastName: "Lopes", dateOfBirth: "1985-07-14", phone: "555.123.4567"), now: TestBook.now)
        }
    }

    @Test func badDetailsAreRefusedWithTheField() {
        #expect(throws: SchedulingError.invalid(field: "phone", message: "not a valid phone number")) {
            try book.createPatient(NewPatient(firstName: "A", lastName: "B", dateOfBirth: "1990-01-01", phone: "123"), now: TestBook.now)
        }
        #expect(throws: SchedulingError.invalid(field: "date_of_birth", message: "expected a past date as YYYY-MM-DD")) {
            try book.createPatient(NewPatient(firstName: "A", lastName: "B", dateOfBirth: "1990-02-30"), now: TestBook.now)
        }
        #expect(throws: SchedulingError.invalid(field: "first_name", message: "must not be empty")) {
            try book.createPatient(NewPatient(firstName: "  ", lastName: "B", dateOfBirth: "1990-01-01"), now: TestBook.now)
        }
    }
}
