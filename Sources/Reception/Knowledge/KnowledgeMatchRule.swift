/// When a passage is a strong enough match for what the caller just said to put in the live
/// context unasked (saving the model a `search_knowledge` round), rather than leave it to the
/// model to search.
///
/// bm25's scale depends on the business's documents (how many passages, how common each word
/// is), so the rule leans on relative measures, with one low absolute floor:
/// - the caller said at least two content words, and the passage contains at least two of
///   them, and at least half of them (up to three: a long sentence need not match whole);
/// - it is clearly the best document: it matches more of the words than the best passage of
///   any other document, or scores at least `margin` times that passage (passages of the same
///   document are not rivals: two sections of the cancellation policy both matching
///   "cancellation policy" still point at the one right document);
/// - its score reaches `minimumScore`: a match only on words that most passages contain
///   scores near zero (bm25 gives such words almost no weight).
/// A single word ("insurance?") is never enough on its own: too many short replies are one
/// word, and the tool is there for those questions.
public enum KnowledgeMatchRule {
    public static let margin = 1.25
    public static let minimumScore = 1.0
    /// How many passages to look at: enough to find the best rival document.
    public static let candidates = 10

    /// The passage to volunteer from `hits` (best first, as a search returns them), or nil.
    public static func strongMatch(in hits: [KnowledgePassage], query: KnowledgeQuery) -> KnowledgePassage? {
        let terms = query.terms.count
        guard terms >= 2, let top = hits.first else { return nil }
        let needed = max(2, min(3, (terms + 1) / 2))
        guard top.matchedTerms >= needed, top.score >= minimumScore else { return nil }
        guard let rival = hits.dropFirst().first(where: { $0.documentID != top.documentID }) else { return top }
        return top.matchedTerms > rival.matchedTerms || top.score >= margin * rival.score ? top : nil
    }
}
