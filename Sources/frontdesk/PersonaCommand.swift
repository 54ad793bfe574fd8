import Agent
import ArgumentParser
import Foundation
import FrontDeskApp
import Logging
import SQLiteStore

/// `frontdesk persona render NAME` / `frontdesk persona check`: preview and lint persona files.
struct PersonaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "persona", abstract: "Preview and check persona files.",
        subcommands: [Render.self, Check.self])

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the exact system message a request would get now.")
        @Argument(help: "Persona name (a file personas/NAME.txt).") var name: String
        @Option(help: "Render as if this number were calling (E.164).") var caller: String?
        @Option(help: "Render as if the caller had just said this (a strong match in the documents joins the live context).")
        var says: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            var configuration = try AppConfiguration.load(profile: db.env)
            configuration.databasePath = try db.homePath()
            let logger = Logger(label: "frontdesk")
            let services = try FrontDeskServices(configuration: configuration, logger: logger)
            defer { services.shutdown() }
            do {
                let agent = try await services.businesses.runtime(named: db.business ?? BusinessRegistry.homeBusinessID).agent
                print(try await agent.renderSystemMessage(persona: name, callerNumber: caller, callerWords: says, logger: logger))
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report unknown placeholders in every persona (exits non-zero if any), and stage tools FrontDesk does not have.")
        @Option(help: "Which env/.env.<name> file to read.") var env: String = "local"

        func run() throws {
            let configuration = try AppConfiguration.load(profile: env)
            let store = PersonaStore(directory: URL(fileURLWithPath: configuration.personasDirectory))
            var problems = 0
            for name in store.names() {
                let persona = try store.persona(named: name)
                let unknown = PromptAssembler.unknownPlaceholders(in: persona)
                let strangers = persona.stages.flatMap { stage in
                    (stage.tools ?? []).filter { !AppointmentTools.names.contains($0) }.sorted().map { "\(stage.name): \($0)" }
                }
                if unknown.isEmpty, strangers.isEmpty {
                    print("\(name): ok")
                }
                if !unknown.isEmpty {
                    problems += unknown.count
                    print("\(name): unknown placeholder(s) \(unknown.map { "{{\($0)}}" }.joined(separator: ", ")); known: \(PromptAssembler.knownPlaceholders.joined(separator: ", "))")
                }
                if !strangers.isEmpty {
                    // A client's own tool (a transfer) may be named here too: said, not failed.
                    print("\(name): stage tools FrontDesk does not have (a client tool is fine): \(strangers.joined(separator: ", "))")
                }
            }
            if problems > 0 { throw ExitCode(1) }
        }
    }
}
