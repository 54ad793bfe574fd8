/// A document as the store writes it: validated and already split into passages by
/// `KnowledgeChunker`, so the store only persists and indexes.
public struct KnowledgeDraft: Sendable, Equatable {
    public var sourceName: String
    public var title: String
    public var body: String
    public var passages: [Passage]

    /// A few hundred characters of the document under the heading they sit under (nil at the
    /// top, or when the heading is the document's title).
    public struct Passage: Sendable, Equatable {
        public var heading: String?
        public var text: String

        public init(heading: String?, text: String) {
            self.heading = heading
            self.text = text
        }
    }

    public init(sourceName: String, title: String, body: String, passages: [Passage]) {
        self.sourceName = sourceName
        self.title = title
        self.body = body
        self.passages = passages
    }
}
