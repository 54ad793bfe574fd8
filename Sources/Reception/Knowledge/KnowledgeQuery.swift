import Foundation

/// What a knowledge search looks for: the distinct content words of free text (a caller's
/// words, a model's query), lowercased, without stop words.
///
/// Only words ever reach the index: the store quotes each term on its own, so nothing a
/// caller or a model says is read as search syntax (quotes, `*`, `NEAR`, `AND`, parentheses
/// are separators or plain words here). Input is bounded: a megabyte of text costs the
/// first `maxScannedCharacters` characters and yields at most `maxTerms` terms.
public struct KnowledgeQuery: Sendable, Equatable {
    public let terms: [String]

    public static let maxTerms = 12
    public static let maxScannedCharacters = 2_000
    /// Longer "words" are noise (a URL, a pasted key); no search needs them.
    static let maxTermLength = 40

    public init(_ text: String) {
        let prefix = String(text.unicodeScalars.prefix(Self.maxScannedCharacters))
        // Plain ASCII (nearly every caller's words) needs neither Foundation's folding nor
        // Unicode property lookups: lowercasing is the whole folding, and a word is letters and digits.
        let ascii = prefix.utf8.allSatisfy { $0 < 0x80 }
        let scanned = ascii ? prefix.lowercased()
            : prefix.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        var terms: [String] = []
        var seen = Set<String>()
        var word = String.UnicodeScalarView()
        func finish() {
            defer { word = String.UnicodeScalarView() }
            let term = String(word)
            guard word.count >= 2, word.count <= Self.maxTermLength, !Self.stopWords.contains(term), terms.count < Self.maxTerms,
                  seen.insert(term).inserted
            else { return }
            terms.append(term)
        }
        for scalar in scanned.unicodeScalars {
            let inWord = scalar.isASCII
                ? ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                : scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                    || scalar.properties.generalCategory == .nonspacingMark
            if inWord {
                word.append(scalar)
            } else {
                finish()
            }
        }
        finish()
        self.terms = terms
    }

    public var isEmpty: Bool { terms.isEmpty }

    /// English function words and what callers say around a question ("hi", "calling",
    /// "wanted to ask"): they match every document and would decide nothing.
    static let stopWords: Set<String> = [
        "a", "about", "again", "all", "also", "am", "an", "and", "any", "are", "as", "ask", "asking", "at", "be", "been", "being",
        "but", "by", "call", "called", "calling", "can", "could", "did", "do", "does", "doing", "don", "for", "from", "get", "going",
        "gonna", "got", "had", "has", "have", "having", "he", "hello", "her", "here", "hers", "hey", "hi", "him", "his", "hmm", "how",
        "if", "in", "into", "is", "it", "its", "just", "know", "let", "like", "ll", "look", "looking", "many", "may", "me", "might",
        "more", "most", "much", "must", "my", "need", "no", "not", "now", "of", "off", "oh", "ok", "okay", "on", "only", "or", "other",
        "our", "out", "over", "own", "please", "question", "re", "really", "right", "said", "say", "see", "shall", "she", "should", "so",
        "some", "still", "sure", "tell", "than", "thank", "thanks", "that", "the", "their", "them", "then", "there", "these", "they",
        "this", "those", "to", "too", "uh", "um", "up", "us", "ve", "very", "want", "wanna", "wanted", "was", "we", "well", "were",
        "what", "when", "where", "which", "who", "whom", "why", "will", "with", "would", "yeah", "yes", "you", "your", "yours",
    ]
}
