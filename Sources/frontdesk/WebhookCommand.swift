import ArgumentParser
import Foundation
import Logging
import Reception
import SQLiteStore
import Scheduling
import Upstream

/// `frontdesk webhook …`: where a business's events are sent (Standard Webhooks), and what
/// happened to each delivery. A running server picks changes up on its next tick.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Manage a business's event webhooks (Standard Webhooks).",
        subcommands: [List.self, Add.self, Remove.self, Enable.self, Rotate.self, Test.self, Replay.self, Attempts.self])

    static let actor = FrontDeskActor.staff(StaffMember(id: "cli", channel: "cli"))

    static func desk(_ db: DatabaseOptions) throws -> FrontDesk {
        let book = try AppointmentBook(path: try db.resolvedPath())
        return FrontDesk(store: SQLiteFrontDeskStore(book: book), logger: Logger(label: "frontdesk.cli"))
    }

    /// Runs a front-desk call, printing its refusal as the CLI's one-line error.
    static func attempt<T>(_ body: () async throws(FrontDeskError) -> T) async throws -> T {
        do {
            return try await body()
        } catch .refused(let refusal) {
            throw ImportCommand.fail(refusal.message)
        } catch {
            throw ImportCommand.fail("\(error)")
        }
    }

    static func describe(_ endpoint: WebhookEndpoint) -> String {
        let state = endpoint.enabled ? "enabled" : "disabled (\(endpoint.disabledReason ?? "by hand"))"
        let extras = [endpoint.includeTranscript ? "transcripts" : nil, endpoint.allowPrivate ? "private addresses allowed" : nil,
                      endpoint.label.map { "label \($0)" }].compactMap { $0 }
        return "\(endpoint.id)  \(endpoint.url)  events \(endpoint.events.joined(separator: ","))  \(state)"
            + (extras.isEmpty ? "" : "  " + extras.joined(separator: ", "))
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the webhook endpoints.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            for endpoint in try await WebhookCommand.attempt({ () async throws(FrontDeskError) in try await desk.webhooks(for: WebhookCommand.actor) }) {
                print(WebhookCommand.describe(endpoint))
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an endpoint. Prints its signing secret once (last line).")
        @Argument(help: "The http(s) URL that receives the events.") var url: String
        @Option(help: "Comma-separated event types or prefix.* globs (booking.*,call.ended), or * for all.") var events: String = "*"
        @Flag(help: "Allow a loopback, private or link-local address (off by default: SSRF).") var allowPrivate = false
        @Flag(help: "Send the call's transcript with call.ended.") var includeTranscript = false
        @Option(help: "A note for people (which system it is).") var label: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            do throws(OutboundURLPolicy.Refusal) {
                try OutboundURLPolicy.check(url, allowPrivate: allowPrivate)
            } catch {
                throw ImportCommand.fail("\(url): \(error.description)")
            }
            let desk = try WebhookCommand.desk(db)
            let patterns = events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let (endpoint, secret) = try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                try await desk.addWebhook(url: url, events: patterns, includeTranscript: includeTranscript, allowPrivate: allowPrivate,
                                          label: label, for: WebhookCommand.actor, now: Date())
            }
            print("Added webhook \(endpoint.id) for \(endpoint.events.joined(separator: ",")) → \(endpoint.url).")
            print("Its signing secret is shown once:")
            print(secret)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an endpoint and its pending deliveries.")
        @Argument(help: "The endpoint id (see `webhook list`).") var id: Int64
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            try await WebhookCommand.attempt { () async throws(FrontDeskError) in try await desk.removeWebhook(id: id, for: WebhookCommand.actor) }
            print("Removed webhook \(id).")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn a disabled endpoint back on; its waiting deliveries go out.")
        @Argument(help: "The endpoint id.") var id: Int64
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                try await desk.enableWebhook(id: id, for: WebhookCommand.actor, now: Date())
            }
            print("Enabled webhook \(id).")
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give an endpoint a new secret (last line). For 24 hours both signatures are sent.")
        @Argument(help: "The endpoint id.") var id: Int64
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            let secret = try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                try await desk.rotateWebhookSecret(id: id, for: WebhookCommand.actor, now: Date())
            }
            print("New secret for webhook \(id); the old one keeps working for 24 hours:")
            print(secret)
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a webhook.test event to one endpoint.")
        @Argument(help: "The endpoint id.") var id: Int64
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            let event = try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                try await desk.testWebhook(id: id, for: WebhookCommand.actor, now: Date())
            }
            print("Queued webhook.test \(event) for webhook \(id).")
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliver events again: one by id, or those of a time range.")
        @Option(help: "The event id (evt_…).") var event: String?
        @Option(help: "Events written at or after this time (RFC 3339, e.g. 2026-11-30T08:00:00Z).") var since: String?
        @Option(help: "Events written at or before this time (RFC 3339).") var until: String?
        @Option(help: "Only to this endpoint.") var endpoint: Int64?
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard (event == nil) != (since == nil) else { throw ValidationError("give either --event or --since") }
        }

        func run() async throws {
            func instant(_ text: String?, _ name: String) throws -> Date? {
                guard let text else { return nil }
                guard let date = ISO8601DateFormatter().date(from: text) else { throw ValidationError("--\(name) must be RFC 3339, e.g. 2026-11-30T08:00:00Z") }
                return date
            }
            let (from, to) = (try instant(since, "since"), try instant(until, "until"))
            let desk = try WebhookCommand.desk(db)
            let queued = try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                try await desk.replayEvents(eventID: event, since: from, until: to, endpointID: endpoint, for: WebhookCommand.actor, now: Date())
            }
            print("Queued \(queued) deliver\(queued == 1 ? "y" : "ies") again.")
        }
    }

    struct Attempts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List delivery attempts (oldest first).")
        @Option(help: "Only this endpoint's.") var endpoint: Int64?
        @Option(help: "Only this event's (evt_…).") var event: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            let attempts = try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                try await desk.webhookAttempts(endpointID: endpoint, eventID: event, for: WebhookCommand.actor)
            }
            let format = ISO8601DateFormatter()
            for attempt in attempts {
                let result = attempt.status.map(String.init) ?? attempt.error ?? "-"
                print("\(attempt.eventID)  endpoint \(attempt.endpointID)  attempt \(attempt.number)  \(result)  \(attempt.latencyMilliseconds) ms  \(format.string(from: attempt.at))")
            }
        }
    }
}
