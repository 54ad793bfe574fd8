import ArgumentParser
import Foundation
import FrontDeskApp
import Reception
import SQLiteStore
import Scheduling

/// `frontdesk user …`: the people who sign in to the web console. There is no default
/// account and no default password: an operator creates the first one here, and the password
/// is either read from stdin or generated and printed once.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage console users (staff and operators of a business).",
        subcommands: [List.self, Add.self, Remove.self, Passwd.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List console users.")
        @OptionGroup var db: DatabaseOptions

        func run() throws {
            let accounts = try UserCommand.accounts(db)
            for user in try accounts.users(businessID: db.business) {
                print("\(user.username)  business \(user.businessID)  \(user.role.rawValue)")
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a console user. Prints a generated password once unless --password-stdin is given.")
        @Argument(help: "Username: letters, digits, '.', '_', '@' or '-'.") var username: String
        @Option(help: "staff (schedule and calls) or operator (also settings, users and keys).") var role: String = "staff"
        @Flag(help: "Read the password from standard input (at least 10 characters).") var passwordStdin = false
        @OptionGroup var db: DatabaseOptions

        func run() throws {
            guard let role = StaffAccount.Role(rawValue: role) else { throw ValidationError("--role must be staff or operator") }
            let business = db.business ?? BusinessRegistry.homeBusinessID
            let accounts = try UserCommand.accounts(db)
            let configuration = try AppConfiguration.load(profile: db.env)
            let password = try UserCommand.password(fromStdin: passwordStdin)
            try fail {
                try accounts.addUser(username: username, businessID: business, role: role,
                                     passwordHash: PasswordHasher(cost: configuration.passwordCost).hash(password))
            }
            print("Added \(role.rawValue) \(username) to business \(business). Sign in at /console/login.")
            if !passwordStdin { print("This password is shown once:\n\(password)") }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a console user and end their sessions.")
        @Argument(help: "Username.") var username: String
        @OptionGroup var db: DatabaseOptions

        func run() throws {
            let accounts = try UserCommand.accounts(db)
            try fail { try accounts.removeUser(username: username) }
            print("Removed \(username).")
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a new password (ends the user's sessions). Prints a generated one unless --password-stdin is given.")
        @Argument(help: "Username.") var username: String
        @Flag(help: "Read the password from standard input (at least 10 characters).") var passwordStdin = false
        @OptionGroup var db: DatabaseOptions

        func run() throws {
            let accounts = try UserCommand.accounts(db)
            let configuration = try AppConfiguration.load(profile: db.env)
            let password = try UserCommand.password(fromStdin: passwordStdin)
            try fail { try accounts.setPassword(username: username, passwordHash: PasswordHasher(cost: configuration.passwordCost).hash(password)) }
            print("Changed the password of \(username); their sessions are signed out.")
            if !passwordStdin { print("This password is shown once:\n\(password)") }
        }
    }

    static func accounts(_ db: DatabaseOptions) throws -> StaffAccounts {
        let home = try db.homePath()
        _ = try BusinessRegistry(homePath: home)
        return try StaffAccounts(homePath: home)
    }

    static func password(fromStdin: Bool) throws -> String {
        guard fromStdin else { return PasswordHasher.generate() }
        let line = (readLine(strippingNewline: true) ?? "")
        guard line.count >= PasswordHasher.minimumLength else {
            throw ValidationError("the password must be at least \(PasswordHasher.minimumLength) characters")
        }
        return line
    }
}
