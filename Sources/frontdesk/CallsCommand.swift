import Agent
import ArgumentParser
import Foundation
import SQLiteStore
import Scheduling

/// `frontdesk calls`: the conversations the assistant had, and `calls show ID` for one
/// transcript with its tool rounds. Times are in the business's time zone.
struct CallsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "List recent conversations, or show one transcript.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List conversations, most recent first.")

        @Option(help: "How many conversations to list.")
        var limit: Int = 20

        @Option(help: "Only conversations from this phone number (any common format).")
        var caller: String?

        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
            if let caller, PhoneNumber(caller) == nil { throw ValidationError("--caller is not a phone number: \(caller)") }
        }

        func run() throws {
            let path = try db.resolvedPath()
            let log = try CallLog(path: path)
            let calls = try log.recentCalls(limit: limit, caller: caller.flatMap(PhoneNumber.init)?.e164)
            print(CallTranscript.table(calls, timeZone: try businessTimeZone(path: path)))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one conversation's transcript.")

        @Argument(help: "The conversation id from `frontdesk calls`, or enough of its start to be unique.")
        var id: String

        @OptionGroup var db: DatabaseOptions

        func run() throws {
            let path = try db.resolvedPath()
            let log = try CallLog(path: path)
            let matches = try log.conversationIDs(matching: id)
            let resolved: String
            if matches.contains(id) {
                resolved = id
            } else if matches.count == 1 {
                resolved = matches[0]
            } else if matches.isEmpty {
                throw ValidationError("no conversation \(id): `frontdesk calls` lists them")
            } else {
                throw ValidationError("\(id) matches several conversations: \(matches.joined(separator: ", "))")
            }
            guard let summary = try log.call(id: resolved) else { throw ValidationError("no conversation \(id)") }
            let turns = try log.turns(conversationID: resolved)
            print(CallTranscript.render(summary, turns: turns, timeZone: try businessTimeZone(path: path)))
        }
    }
}

/// The business's zone, for showing times as the front desk lives them; UTC before any profile.
private func businessTimeZone(path: String) throws -> TimeZone {
    let book = try AppointmentBook(path: path)
    return (try? book.engine().clock.timeZone) ?? TimeZone(identifier: "UTC")!
}
