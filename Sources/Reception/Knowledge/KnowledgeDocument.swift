import Foundation

/// One of the business's documents (a policy, the insurance list, pre-visit instructions) as
/// stored: what `frontdesk knowledge list` shows. Its text lives on in passages for search.
public struct KnowledgeDocument: Sendable, Equatable {
    public var id: Int64
    /// Where it came from (the file name): adding a document with the same source name
    /// replaces this one in place, keeping its id.
    public var sourceName: String
    public var title: String
    /// Length of the stored body, in characters.
    public var characters: Int
    /// How many passages it was split into.
    public var passages: Int
    public var addedAt: Date
    public var updatedAt: Date

    public init(id: Int64, sourceName: String, title: String, characters: Int, passages: Int, addedAt: Date, updatedAt: Date) {
        self.id = id
        self.sourceName = sourceName
        self.title = title
        self.characters = characters
        self.passages = passages
        self.addedAt = addedAt
        self.updatedAt = updatedAt
    }
}
