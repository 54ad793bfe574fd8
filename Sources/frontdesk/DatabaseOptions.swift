import ArgumentParser
import FrontDeskApp

/// Options shared by every subcommand that opens the calendar database.
///
/// The path resolves like the server's: `--database`, else `DATABASE_PATH` from the process
/// environment or `env/.env.<env>`, else the embedded default `data/frontdesk.sqlite`.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "SQLite file of the calendar (default: DATABASE_PATH, else data/frontdesk.sqlite).")
    var database: String?

    @Option(help: "Which env/.env.<name> file to read: local, test or production.")
    var env: String = "local"

    func resolvedPath() throws -> String {
        if let database { return database }
        return try AppConfiguration.load(profile: env).databasePath
    }
}
