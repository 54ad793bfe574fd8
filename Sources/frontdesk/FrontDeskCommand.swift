import ArgumentParser

/// The `frontdesk` command: the server and the operator's tools around it.
@main
struct FrontDeskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontdesk",
        abstract: "An OpenAI-compatible AI receptionist backend with a SQLite calendar.",
        subcommands: [
            ServeCommand.self, PersonaCommand.self, SeedCommand.self, ImportCommand.self, AppointmentsCommand.self,
            CallsCommand.self, BusinessCommand.self, UserCommand.self, WebhookCommand.self, TelnyxCommand.self, TextsCommand.self, InboxCommand.self,
            KnowledgeCommand.self,
        ],
        defaultSubcommand: ServeCommand.self)
}
