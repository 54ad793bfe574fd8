import Foundation
import Reception
import Scheduling

/// The business's documents, in its own file beside the calendar, searched with SQLite's FTS5
/// (bm25 ranking over passages; the schema's triggers keep the index in step with them).
extension AppointmentBook {
    /// bm25 weights of the index's columns (title, heading, text): a word in a passage's title
    /// or heading says more about what the passage is for than one in passing in its text.
    static let knowledgeWeights = "2.0, 2.0, 1.0"

    // MARK: - Writes

    /// Adds the document, or replaces the one with the same source name in place: same id and
    /// `added_at`, new title, body and passages. One transaction.
    public func saveKnowledgeDocument(_ draft: KnowledgeDraft, now: Date = Date()) throws -> (document: KnowledgeDocument, replaced: Bool) {
        try write { db in try Self.saveKnowledgeDocument(draft, db: db, now: now) }
    }

    static func saveKnowledgeDocument(_ draft: KnowledgeDraft, db: SQLiteConnection, now: Date) throws -> (document: KnowledgeDocument, replaced: Bool) {
        let existing: Int64? = try db.first("SELECT id FROM knowledge_documents WHERE source_name = ?", [v(draft.sourceName)]) { $0.int(0) }
        let id: Int64
        if let existing {
            try db.run("DELETE FROM knowledge_passages WHERE document_id = ?", [v(existing)])
            try db.run("UPDATE knowledge_documents SET title = ?, body = ?, updated_at = ? WHERE id = ?",
                       [v(draft.title), v(draft.body), v(now.unixSeconds), v(existing)])
            id = existing
        } else {
            try db.run("INSERT INTO knowledge_documents (source_name, title, body, added_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                       [v(draft.sourceName), v(draft.title), v(draft.body), v(now.unixSeconds), v(now.unixSeconds)])
            id = db.lastInsertRowID
        }
        for (position, passage) in draft.passages.enumerated() {
            try db.run("INSERT INTO knowledge_passages (document_id, position, heading, text) VALUES (?, ?, ?, ?)",
                       [v(id), v(position), v(passage.heading), v(passage.text)])
        }
        guard let document = try db.first("\(documentColumns) WHERE d.id = ?", [v(id)], documentRow) else {
            throw SchedulingError.notFound("document")
        }
        try optimizeKnowledgeIndex(db)
        return (document, existing != nil)
    }

    /// Merges the index into one segment. FTS5 adds a segment per transaction and merges them
    /// only now and then; a search reads every segment for every term, and this search runs on
    /// every turn a caller speaks (three small documents in three segments cost it three times
    /// the instructions of one). Documents change seldom, and merging a business's documents
    /// is quick.
    static func optimizeKnowledgeIndex(_ db: SQLiteConnection) throws {
        try db.run("INSERT INTO knowledge_index(knowledge_index) VALUES ('optimize')")
    }

    /// Removes a document; its passages and their index entries go with it.
    public func removeKnowledgeDocument(id: Int64) throws {
        try write { db in
            guard try db.run("DELETE FROM knowledge_documents WHERE id = ?", [v(id)]) == 1 else { throw SchedulingError.notFound("document") }
            try Self.optimizeKnowledgeIndex(db)
        }
    }

    // MARK: - Reads

    public func knowledgeDocuments() throws -> [KnowledgeDocument] {
        try read { db in try db.all("\(Self.documentColumns) ORDER BY d.id", [], Self.documentRow) }
    }

    /// Passages containing any of the query's terms, best first, with how many terms each
    /// contains. Each term goes to FTS5 as one quoted phrase (`"term"`, quotes doubled), joined
    /// by OR: whatever the words were, the expression is a list of phrases, never operators.
    public func searchKnowledge(_ query: KnowledgeQuery, limit: Int) throws -> [KnowledgePassage] {
        guard !query.isEmpty, limit > 0 else { return [] }
        return try read { db in
            // bm25 sums over the terms, so one term repeated often can outscore several found
            // once: how many distinct terms each hit holds is counted beside it (`matched_phrases`,
            // FrontDesk's FTS5 function: each term is one phrase of the expression).
            try db.all("""
                SELECT p.document_id, d.title, p.heading, p.text, bm25(knowledge_index, \(Self.knowledgeWeights)) AS rank,
                       matched_phrases(knowledge_index)
                FROM knowledge_index
                JOIN knowledge_passages p ON p.id = knowledge_index.rowid
                JOIN knowledge_documents d ON d.id = p.document_id
                WHERE knowledge_index MATCH ?
                ORDER BY rank, p.id LIMIT ?
                """, [v(query.terms.map(Self.phrase).joined(separator: " OR ")), v(limit)]) { row in
                KnowledgePassage(
                    documentID: row.int(0), title: row.text(1), heading: row.optionalText(2), text: row.text(3),
                    score: -row.double(4), matchedTerms: row.int(5))
            }
        }
    }

    /// One term as an FTS5 string: inside double quotes, with any double quote doubled.
    static func phrase(_ term: String) -> String {
        "\"" + term.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static let documentColumns = """
        SELECT d.id, d.source_name, d.title, length(d.body), (SELECT count(*) FROM knowledge_passages WHERE document_id = d.id),
               d.added_at, d.updated_at
        FROM knowledge_documents d
        """

    private static func documentRow(_ row: SQLiteRow) -> KnowledgeDocument {
        KnowledgeDocument(id: row.int(0), sourceName: row.text(1), title: row.text(2), characters: row.int(3), passages: row.int(4),
                          addedAt: Date(unixSeconds: row.int(5)), updatedAt: Date(unixSeconds: row.int(6)))
    }
}
