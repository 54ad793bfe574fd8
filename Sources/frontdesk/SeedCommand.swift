import ArgumentParser
import Foundation
import SQLiteStore
import Scheduling

/// `frontdesk seed`: loads the demo practice into an empty database. A database that already
/// has data is left alone (exit 0): seeding is for first runs, never a reset.
struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load the demo dental practice (Bright Smile Dental) into an empty database."
    )

    @OptionGroup var db: DatabaseOptions

    func run() throws {
        let path = try db.resolvedPath()
        let book = try AppointmentBook(path: path)
        if try book.seedDemoIfEmpty(now: Date()) {
            let count = try book.listAppointments().count
            print("Seeded \(DemoBusiness.profile.business.name) into \(path): \(DemoBusiness.profile.providers.count) providers, "
                + "\(DemoBusiness.profile.patients?.count ?? 0) patients, \(count) appointments.")
        } else {
            print("\(path) already has data; not seeding it again.")
        }
    }
}
