import ArgumentParser
import Foundation
import Reception

/// `frontdesk knowledge …`: the business's documents (Markdown or plain text: policies,
/// insurance, pre-visit instructions) that `search_knowledge` and the live context draw on.
/// They live in the business's own file, so a running server sees a change on its next turn.
struct KnowledgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "knowledge", abstract: "Manage the documents the assistant can answer from (policies, insurance, visit instructions).",
        subcommands: [Add.self, List.self, Remove.self, Search.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add Markdown or text files. A file whose name was added before replaces that document.")
        @Argument(help: "The files (UTF-8). Each is known by its file name.") var files: [String]
        @Option(help: "The title (one file only; default: its leading # heading, else its file name).") var title: String?
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("name at least one file") }
            guard title == nil || files.count == 1 else { throw ValidationError("--title names one document: give one file with it") }
        }

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            for file in files {
                let body: String
                do {
                    body = try String(contentsOfFile: file, encoding: .utf8)
                } catch {
                    throw ImportCommand.fail("cannot read \(file) as UTF-8 text")
                }
                let source = URL(fileURLWithPath: file).lastPathComponent
                let (document, replaced) = try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                    try await desk.addKnowledgeDocument(sourceName: source, title: title, body: body, for: WebhookCommand.actor, now: Date())
                }
                print("\(replaced ? "Replaced" : "Added") document \(document.id) \"\(document.title)\" from \(source): "
                    + "\(document.passages) passage\(document.passages == 1 ? "" : "s").")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the documents.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            let documents = try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                try await desk.knowledgeDocuments(for: WebhookCommand.actor)
            }
            guard !documents.isEmpty else { return print("No documents yet: add some with `frontdesk knowledge add FILE...`.") }
            let format = ISO8601DateFormatter()
            for document in documents {
                print("\(document.id)  \(document.title)  (\(document.sourceName), \(document.passages) passage\(document.passages == 1 ? "" : "s"), "
                    + "\(document.characters) characters, updated \(format.string(from: document.updatedAt)))")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a document.")
        @Argument(help: "The document id (see `knowledge list`).") var id: Int64
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                try await desk.removeKnowledgeDocument(id: id, for: WebhookCommand.actor)
            }
            print("Removed document \(id).")
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the documents as the assistant does, and say whether a caller saying this would get the top passage in the live context.")
        @Argument(help: "What a caller might ask, in their words.") var query: String
        @Option(help: "How many passages to show (1–20).") var limit: Int = 5
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let desk = try WebhookCommand.desk(db)
            let (hits, strong) = try await WebhookCommand.attempt { () async throws(FrontDeskError) in
                (try await desk.searchKnowledge(query, limit: max(1, min(limit, 20))), try await desk.strongKnowledgeMatch(for: query))
            }
            guard !hits.isEmpty else { return print("Nothing found.") }
            for hit in hits {
                print(String(format: "%.2f  ", hit.score) + "\(hit.place)  (document \(hit.documentID), \(hit.matchedTerms) word\(hit.matchedTerms == 1 ? "" : "s") matched)")
                print("      \(hit.text)")
            }
            print(strong.map { "Strong match: a caller saying this gets \"\($0.place)\" in the live context." }
                ?? "Not a strong match: nothing goes into the live context; the model can still call search_knowledge.")
        }
    }
}
