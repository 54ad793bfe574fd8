import ArgumentParser
import Foundation
import Reception
import SQLiteStore
import Scheduling

/// `frontdesk business …`: the businesses this server answers for, the numbers that reach
/// them and their API keys. Changes take effect in a running server within a second.
struct BusinessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "business", abstract: "Manage the businesses this server answers for.",
        subcommands: [List.self, Add.self, Import.self, Remove.self, Number.self, Key.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List businesses with their numbers and keys.")
        @OptionGroup var db: DatabaseOptions

        func run() throws {
            let registry = try BusinessRegistry(homePath: try db.homePath())
            let directory = try registry.directory()
            for business in directory.businesses.values.sorted(by: { $0.id < $1.id }) {
                let numbers = directory.numbers.filter { $0.value.businessID == business.id }.sorted { $0.key < $1.key }
                    .map { number, entry in entry.persona.map { "\(number) (persona \($0))" } ?? number }
                let keys = try registry.keys(of: business.id).map { "\($0.prefix)…\($0.revoked ? " (revoked)" : "")" }
                print("\(business.id)  \(registry.databasePath(of: business))")
                print("  persona: \(business.defaultPersona ?? "server default")  personas: \(business.personasDirectory ?? "server PERSONAS_DIR")")
                print("  numbers: \(numbers.isEmpty ? "none" : numbers.joined(separator: ", "))")
                print("  keys: \(keys.isEmpty ? "none" : keys.joined(separator: ", "))")
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a business with a calendar file of its own.")
        @Argument(help: "Its id: lowercase letters, digits and hyphens (e.g. smile-salon).") var id: String
        @Option(help: "The persona its calls get by default.") var persona: String?
        @Option(help: "Directory of its persona files (default: the server's PERSONAS_DIR).") var personas: String?
        @Option(name: .customLong("import"), help: "Import this business profile JSON into it.") var profile: String?
        @OptionGroup var db: DatabaseOptions

        func run() throws {
            let registry = try BusinessRegistry(homePath: try db.homePath())
            let business = try fail { try registry.addBusiness(id: id, personasDirectory: personas, defaultPersona: persona) }
            let path = registry.databasePath(of: business)
            _ = try AppointmentBook(path: path)
            print("Added business \(id) with its calendar at \(path).")
            if let profile { try ImportCommand.importProfile(file: profile, into: path) }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a business's profile with a JSON file's.")
        @Argument(help: "The business id.") var id: String
        @Argument(help: "Business profile JSON file.") var file: String
        @OptionGroup var db: DatabaseOptions

        func run() throws {
            var options = db
            options.business = id
            try ImportCommand.importProfile(file: file, into: try options.resolvedPath())
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a business, its numbers and keys. Its calendar file stays on disk until you delete it.")
        @Argument(help: "The business id.") var id: String
        @OptionGroup var db: DatabaseOptions

        func run() throws {
            let registry = try BusinessRegistry(homePath: try db.homePath())
            guard let business = try registry.directory().businesses[id] else { throw ValidationError("there is no business '\(id)'") }
            try fail { try registry.removeBusiness(id: id) }
            print("Removed business \(id). Its calendar file is still at \(registry.databasePath(of: business)).")
        }
    }

    struct Number: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The phone numbers that reach a business.", subcommands: [AddNumber.self, RemoveNumber.self])

        struct AddNumber: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Give a number to a business.")
            @Argument(help: "The number callers dial (any common format).") var number: String
            @Option(help: "The persona calls to this number get (after an explicit request choice).") var persona: String?
            @OptionGroup var db: DatabaseOptions

            func run() throws {
                guard let business = db.business else { throw ValidationError("say which business with --business ID") }
                let registry = try BusinessRegistry(homePath: try db.homePath())
                let stored = try fail { try registry.addNumber(number, business: business, persona: persona) }
                print("\(stored) now reaches \(business)\(persona.map { " with persona \($0)" } ?? "").")
            }
        }

        struct RemoveNumber: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Take a number away.")
            @Argument(help: "The number.") var number: String
            @OptionGroup var db: DatabaseOptions

            func run() throws {
                try fail { try BusinessRegistry(homePath: try db.homePath()).removeNumber(number) }
                print("Removed \(number).")
            }
        }
    }

    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A business's API keys (stored hashed).", subcommands: [Create.self, Revoke.self])

        struct Create: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a key; it is shown once.")
            @Option(help: "A note for whoever reads `business list`.") var label: String?
            @OptionGroup var db: DatabaseOptions

            func run() throws {
                guard let business = db.business else { throw ValidationError("say which business with --business ID") }
                let key = try fail { try BusinessRegistry(homePath: try db.homePath()).createKey(business: business, label: label) }
                print(key)
                FileHandle.standardError.write(Data("This key is shown once; only its hash is kept. It reaches business \(business) only.\n".utf8))
            }
        }

        struct Revoke: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a key by its first characters (at least 8).")
            @Argument(help: "The key, or its first characters as `business list` shows them.") var prefix: String
            @OptionGroup var db: DatabaseOptions

            func run() throws {
                guard let business = db.business else { throw ValidationError("say which business with --business ID") }
                try fail { try BusinessRegistry(homePath: try db.homePath()).revokeKey(business: business, prefix: prefix) }
                print("Revoked. A running server stops accepting it within a second.")
            }
        }
    }
}

/// A refusal of the registry (a taken id, an unknown business) is the operator's input: say
/// why on stderr and exit 1.
func fail<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as SchedulingError {
        throw ImportCommand.fail(error.message)
    }
}
