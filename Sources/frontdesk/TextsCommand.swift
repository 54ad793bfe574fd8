import ArgumentParser
import Foundation
import Reception

/// `frontdesk texts list` and `frontdesk inbox list`: the texts FrontDesk sent or will send, and
/// the patients' texts it could not act on by itself.
struct TextsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "texts", abstract: "Texts to patients: confirmations, reminders, replies.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List texts, newest first.")
        @Option(help: "How many.") var limit: Int = 50
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            let texts = try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                try await desk.texts(limit: max(1, min(limit, 1000)), for: WebhookCommand.actor)
            }
            let format = ISO8601DateFormatter()
            for text in texts {
                let sent = text.sentAt.map { format.string(from: $0) } ?? "-"
                print("\(text.id)  \(text.kind)  \(text.to)  \(text.state)  \(sent)  \(text.providerMessageID ?? "-")  \(text.key)"
                    + (text.note.map { "  (\($0))" } ?? ""))
            }
        }
    }
}

struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox", abstract: "Patients' texts for staff to read.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List received texts, newest first.")
        @Option(help: "How many.") var limit: Int = 50
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            let messages = try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                try await desk.inbox(limit: max(1, min(limit, 1000)), for: WebhookCommand.actor)
            }
            let format = ISO8601DateFormatter()
            for message in messages {
                print("\(message.id)  \(format.string(from: message.receivedAt))  \(message.from)  \(message.patientName ?? "unknown")  "
                    + "\(message.body.replacingOccurrences(of: "\n", with: " "))" + (message.note.map { "  (\($0))" } ?? ""))
            }
        }
    }
}
