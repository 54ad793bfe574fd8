import ArgumentParser
import Foundation
import SQLiteStore
import Scheduling

/// `frontdesk import FILE.json`: replaces the business profile with the file's (see
/// env/business.example.json). The whole file is validated first; a bad file changes nothing
/// and the message names the place (`providers[1].hours[2]: overlaps providers[1].hours[0]`).
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a business profile (JSON) into the calendar database."
    )

    @Argument(help: "Business profile JSON file, e.g. env/business.example.json.")
    var file: String

    @OptionGroup var db: DatabaseOptions

    func run() throws {
        try Self.importProfile(file: file, into: try db.resolvedPath())
    }

    /// Reads, validates and imports a profile file; a bad one changes nothing.
    static func importProfile(file: String, into path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw Self.fail("cannot read \(file): \(error.localizedDescription)")
        }
        let profile: BusinessProfile
        do {
            profile = try JSONDecoder().decode(BusinessProfile.self, from: data)
        } catch let error as DecodingError {
            throw Self.fail("\(file): \(Self.describe(error))")
        }
        do {
            try AppointmentBook(path: path).importProfile(profile, now: Date())
        } catch let error as SchedulingError {
            throw Self.fail("\(file): \(error.message) Nothing was changed.")
        }
        print("Imported \(profile.business.name) into \(path): \(profile.locations.count) locations, "
            + "\(profile.providers.count) providers, \(profile.services.count) services, \(profile.overrides.count) date overrides.")
    }

    /// A refused file is the user's input, not a usage error: say why on stderr and exit 1,
    /// without the usage text ArgumentParser prints for `ValidationError`.
    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode.failure
    }

    /// "providers[1].hours: missing"-style text instead of Foundation's debug dump.
    static func describe(_ error: DecodingError) -> String {
        let (path, message) = ProfileDecodingError.describe(error)
        return (path.isEmpty ? "" : path + ": ") + message
    }
}
