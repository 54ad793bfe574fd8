import ArgumentParser
import Foundation
import SQLiteStore

/// `frontdesk telnyx events`: the webhooks Telnyx sent and what became of each.
struct TelnyxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telnyx", abstract: "What Telnyx sent to /telnyx/webhooks.", subcommands: [Events.self])

    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List received Telnyx events, newest first.")
        @Option(help: "How many.") var limit: Int = 50
        @OptionGroup var db: DatabaseOptions

        func run() throws {
            let inbox = try TelnyxInbox(homePath: try db.homePath())
            let format = ISO8601DateFormatter()
            for event in try inbox.recent(limit: max(1, min(limit, 1000))) {
                print("\(event.id)  \(event.type)  \(event.state)  \(format.string(from: event.receivedAt))\(event.note.map { "  \($0)" } ?? "")")
            }
        }
    }
}
