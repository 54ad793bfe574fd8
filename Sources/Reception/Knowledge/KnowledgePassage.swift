/// A passage a knowledge search found, with how well it matched.
public struct KnowledgePassage: Sendable, Equatable {
    public var documentID: Int64
    public var title: String
    public var heading: String?
    public var text: String
    /// FTS5's bm25 rank negated, so higher is better. Comparable only within one search: its
    /// scale depends on how many passages the business has and how common the words are.
    public var score: Double
    /// How many of the query's distinct terms the passage contains.
    public var matchedTerms: Int

    public init(documentID: Int64, title: String, heading: String?, text: String, score: Double, matchedTerms: Int) {
        self.documentID = documentID
        self.title = title
        self.heading = heading
        self.text = text
        self.score = score
        self.matchedTerms = matchedTerms
    }

    /// "Title › Heading": where in the documents the passage sits.
    public var place: String { heading.map { "\(title) › \($0)" } ?? title }
}
