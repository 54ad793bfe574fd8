import Foundation
import Hummingbird
import OpenAIWire
import Reception

/// `/api/v1/knowledge`: the business's documents (what `search_knowledge` and the live
/// context answer from), the same operations as `frontdesk knowledge`.
struct KnowledgeAPIController: Sendable {
    let maxBodyBytes: Int

    func addRoutes(to group: RouterGroup<FrontDeskRequestContext>) {
        group.get("knowledge", use: list)
        group.post("knowledge", use: add)
        group.get("knowledge/search", use: search)
        group.delete("knowledge/:id", use: remove)
    }

    @Sendable func list(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let documents = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.knowledgeDocuments(for: staff.actor)
        }
        return StaffResponse.json(StaffJSON.list(documents.map(Self.json), next: nil))
    }

    /// 201 for a new document; 200 when one with the same `source_name` was replaced (same id).
    @Sendable func add(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let body = try await JSONBody.read(request, limit: maxBodyBytes)
        let source = try body.string("source_name")
        let title = try body.optionalString("title", maxLength: 200)
        guard let text = try body.optionalString("body", maxLength: FrontDesk.maxKnowledgeDocumentBytes) else {
            throw JSONBody.invalid("body", "is required")
        }
        let (document, replaced) = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            try await staff.desk.addKnowledgeDocument(sourceName: source, title: title, body: text, for: staff.actor, now: Date())
        }
        return StaffResponse.json(Self.json(document), status: replaced ? .ok : .created)
    }

    /// The passages for `q`, best first, and whether a caller saying `q` would get the first
    /// one in the live context.
    @Sendable func search(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let query = QueryParameters(request)
        guard let words = query.string("q") else { throw QueryParameters.invalid("q", "is required") }
        let limit = try query.integer("limit", in: 1...20) ?? 5
        let (hits, strong) = try await StaffResponse.attempt { () async throws(FrontDeskError) in
            (try await staff.desk.searchKnowledge(words, limit: limit), try await staff.desk.strongKnowledgeMatch(for: words))
        }
        let data = hits.map { hit -> JSONValue in
            [
                "object": "knowledge_passage", "document_id": StaffJSON.id(hit.documentID), "title": .string(hit.title),
                "heading": StaffJSON.optional(hit.heading), "text": .string(hit.text),
                "score": .number(String(format: "%.4f", hit.score)), "matched_terms": .int(hit.matchedTerms),
            ]
        }
        return StaffResponse.json(["object": "list", "data": .array(data), "next_cursor": .null,
                                   "strong_match": .bool(strong != nil && strong == hits.first)])
    }

    @Sendable func remove(_ request: Request, context: FrontDeskRequestContext) async throws -> Response {
        let staff = try context.requireStaff()
        let id = try StaffResponse.pathID(context, "document")
        try await StaffResponse.attempt { () async throws(FrontDeskError) in try await staff.desk.removeKnowledgeDocument(id: id, for: staff.actor) }
        return Response(status: .noContent)
    }

    static func json(_ document: KnowledgeDocument) -> JSONValue {
        [
            "object": "knowledge_document", "id": StaffJSON.id(document.id), "source_name": .string(document.sourceName),
            "title": .string(document.title), "characters": .int(document.characters), "passages": .int(document.passages),
            "added_at": StaffJSON.utc(document.addedAt), "updated_at": StaffJSON.utc(document.updatedAt),
        ]
    }
}
