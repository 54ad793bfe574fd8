import ArgumentParser
import Foundation
import SQLiteStore
import Scheduling

/// `frontdesk appointments`: prints the book as an aligned table in business-local time.
struct AppointmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appointments",
        abstract: "List appointments (business-local time)."
    )

    @Option(help: "Only this business-local date (YYYY-MM-DD).")
    var date: String?

    @Option(help: "Only this provider id (e.g. dr-patel).")
    var provider: String?

    @Option(name: .customLong("patient-phone"), help: "Only patients on this phone number (any common format).")
    var patientPhone: String?

    @OptionGroup var db: DatabaseOptions

    func validate() throws {
        if let date, LocalDate(date) == nil { throw ValidationError("--date must be YYYY-MM-DD, got \(date)") }
        if let patientPhone, PhoneNumber(patientPhone) == nil { throw ValidationError("--patient-phone is not a phone number: \(patientPhone)") }
    }

    func run() throws {
        let book = try AppointmentBook(path: try db.resolvedPath())
        do {
            let rows = try book.listAppointments(date: date.flatMap(LocalDate.init), provider: provider, patientPhone: patientPhone)
            print(AppointmentTable.render(rows, clock: try book.engine().clock))
        } catch SchedulingError.notFound {
            throw ValidationError("the database has no business profile yet: run `frontdesk seed` or `frontdesk import FILE.json`")
        }
    }
}
