import ArgumentParser
import FrontDeskApp
import Reception
import SQLiteStore

/// Options shared by every subcommand that opens a calendar database.
///
/// The server's own file resolves like the server does: `--database`, else `DATABASE_PATH`
/// from the process environment or `env/.env.<env>`, else the embedded default
/// `data/frontdesk.sqlite`. It holds the business registry and the home business's calendar;
/// `--business ID` picks another business's calendar through that registry.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "SQLite file of the server (default: DATABASE_PATH, else data/frontdesk.sqlite).")
    var database: String?

    @Option(help: "Which env/.env.<name> file to read: local, test or production.")
    var env: String = "local"

    @Option(help: "Which business (default: the home business, `default`). See `frontdesk business list`.")
    var business: String?

    /// The server's own database file (the registry and the home business's calendar).
    func homePath() throws -> String {
        if let database { return database }
        return try AppConfiguration.load(profile: env).databasePath
    }

    /// The calendar file of `--business` (the home file when none is given).
    func resolvedPath() throws -> String {
        let home = try homePath()
        guard let business, business != BusinessRegistry.homeBusinessID else { return home }
        let registry = try BusinessRegistry(homePath: home)
        guard let found = try registry.directory().businesses[business] else {
            throw ValidationError("there is no business '\(business)' (see `frontdesk business list`)")
        }
        return registry.databasePath(of: found)
    }
}
