import Foundation
import Scheduling

/// The business's documents (policies, insurance, pre-visit instructions): staff add, replace
/// and remove them; anyone may search them, since they say what the business tells everyone.
extension FrontDesk {
    /// Longest document accepted, in UTF-8 bytes: a policy is a few pages, and every byte is
    /// kept twice (the body and its passages).
    public static let maxKnowledgeDocumentBytes = 1_000_000

    /// Adds a document, or replaces the one with the same `sourceName` (the same id, new title,
    /// text and passages), in one transaction. The title defaults to the document's leading
    /// `# heading`, else to the source name made readable ("first-visit.md" → "First visit").
    public func addKnowledgeDocument(
        sourceName: String, title: String? = nil, body: String, for actor: FrontDeskActor, now: Date
    ) async throws(FrontDeskError) -> (document: KnowledgeDocument, replaced: Bool) {
        try requireStaff(actor)
        let source = sourceName.trimmingCharacters(in: .whitespacesAndNewlines)
        try Self.checkLabel(source, field: "source_name")
        let title = title?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
            ?? KnowledgeChunker.leadingHeading(in: body) ?? Self.readableTitle(source)
        try Self.checkLabel(title, field: "title")
        guard body.utf8.count <= Self.maxKnowledgeDocumentBytes else {
            throw .refused(.invalid(field: "body", message: "is longer than \(Self.maxKnowledgeDocumentBytes) bytes"))
        }
        // A NUL is no part of a text document (a binary file given by mistake), and SQLite's
        // C strings would end at it.
        guard !body.utf8.contains(0) else { throw .refused(.invalid(field: "body", message: "is not text (it contains NUL characters)")) }
        let passages = KnowledgeChunker.passages(in: body, title: title)
        guard !passages.isEmpty else { throw .refused(.invalid(field: "body", message: "has no text")) }
        let draft = KnowledgeDraft(sourceName: source, title: title, body: body, passages: passages)
        return try await attempt { try await store.saveKnowledgeDocument(draft, now: now) }
    }

    /// Every document, by id.
    public func knowledgeDocuments(for actor: FrontDeskActor) async throws(FrontDeskError) -> [KnowledgeDocument] {
        try requireStaff(actor)
        return try await attempt { try await store.knowledgeDocuments() }
    }

    /// Removes a document and its passages; `.refused(.notFound("document"))` for an unknown id.
    public func removeKnowledgeDocument(id: Int64, for actor: FrontDeskActor) async throws(FrontDeskError) {
        try requireStaff(actor)
        try await attempt { try await store.removeKnowledgeDocument(id: id) }
    }

    /// The passages that best match the content words of `text`, best first; empty when it has
    /// none (or nothing matches). Free text of any size is safe here: see `KnowledgeQuery`.
    public func searchKnowledge(_ text: String, limit: Int = 3) async throws(FrontDeskError) -> [KnowledgePassage] {
        let query = KnowledgeQuery(text)
        guard !query.isEmpty, limit > 0 else { return [] }
        return try await attempt { try await store.searchKnowledge(query, limit: limit) }
    }

    /// The passage worth volunteering for what the caller just said (`KnowledgeMatchRule`), or nil.
    public func strongKnowledgeMatch(for callerWords: String) async throws(FrontDeskError) -> KnowledgePassage? {
        let query = KnowledgeQuery(callerWords)
        guard query.terms.count >= 2 else { return nil }
        let hits = try await attempt { try await store.searchKnowledge(query, limit: KnowledgeMatchRule.candidates) }
        return KnowledgeMatchRule.strongMatch(in: hits, query: query)
    }

    /// A source name or title: one line of at most 200 characters.
    private static func checkLabel(_ text: String, field: String) throws(FrontDeskError) {
        guard !text.isEmpty else { throw .refused(.invalid(field: field, message: "is required")) }
        guard text.count <= 200 else { throw .refused(.invalid(field: field, message: "is longer than 200 characters")) }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .refused(.invalid(field: field, message: "must be one line without control characters"))
        }
    }

    /// "before-your-first-visit.md" → "Before your first visit".
    static func readableTitle(_ sourceName: String) -> String {
        let name = (sourceName as NSString).lastPathComponent
        let stem = name.contains(".") ? String(name[..<name.lastIndex(of: ".")!]) : name
        let words = stem.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " }).joined(separator: " ")
        guard let first = words.first else { return name }
        return first.uppercased() + words.dropFirst()
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
