import Foundation

/// What an answer can claim was done to the calendar.
public enum ClaimKind: String, Sendable, CaseIterable, Hashable {
    case booked, moved, cancelled, confirmed
}

/// The words that make a sentence a claim that the calendar changed, by kind: the standard
/// ones plus a persona's own (`booked_phrases:` … in its front matter).
///
/// A sentence claims only when it asserts: a question, a negation or an offer shortly before
/// the claim word ("Shall I…?", "nothing was booked", "once you confirm, I'll get it booked")
/// claims nothing. It errs towards *not* calling a sentence a claim: the guard that uses it
/// must never turn an honest answer into a correction round.
public struct ClaimPhrases: Sendable, Hashable {
    var phrases: [ClaimKind: [[String]]]

    public static let standard = ClaimPhrases(phrases: [
        .booked: ["booked", "scheduled", "all set", "you're set", "you are set", "got you down", "have you down",
                  "penciled", "pencilled", "got you in"].map(words),
        .moved: ["rescheduled", "moved", "changed", "switched"].map(words),
        .cancelled: ["cancelled", "canceled", "called off"].map(words),
        .confirmed: ["confirmed"].map(words),
    ], strong: ["booked", "rescheduled", "cancelled", "canceled", "called off"])

    /// Words that turn a claim word right after them into no claim.
    static let blockers: Set<String> = [
        "not", "no", "nothing", "never", "cannot", "unable", "yet", "if", "once", "when", "would", "could", "can", "shall",
        "should", "will", "i'll", "we'll", "let", "to", "want", "like", "fully", "before", "may", "might", "whether", "get",
    ]
    /// How many words before a claim word a blocker still counts.
    static let blockerReach = 4
    /// Phrases that claim on their own; the others are everyday words ("I've changed my
    /// mind", "you're all set with that question", "I've confirmed your name") and claim only in
    /// a sentence about a visit: one naming an appointment, a weekday or a clock time.
    let strong: Set<[String]>
    static let visitWords: Set<String> = ["appointment", "appointments", "visit", "visits", "booking", "bookings"]

    /// Words in the longest phrase: how far back a claim can begin.
    let longestPhrase: Int
    /// Every word of every phrase: a word outside it ends no claim phrase.
    let vocabulary: Set<String>

    init(phrases: [ClaimKind: [[String]]], strong: Set<String>) {
        self.init(phrases: phrases, strongPhrases: Set(strong.map(Self.words)))
    }

    private init(phrases: [ClaimKind: [[String]]], strongPhrases: Set<[String]>) {
        self.phrases = phrases
        self.strong = strongPhrases
        longestPhrase = phrases.values.joined().map(\.count).max() ?? 1
        vocabulary = Set(phrases.values.joined().joined())
    }

    /// The standard phrases plus `extra` ("penciled you in, got you sorted") for each kind; a
    /// persona's own phrases claim on their own.
    public func adding(_ extra: [ClaimKind: [String]]) -> ClaimPhrases {
        var phrases = self.phrases
        var strong = self.strong
        for (kind, more) in extra {
            let added = more.map(Self.words).filter { !$0.isEmpty }
            phrases[kind, default: []] += added
            strong.formUnion(added)
        }
        return ClaimPhrases(phrases: phrases, strongPhrases: strong)
    }

    static func words(_ phrase: String) -> [String] { SpokenWords.tokens(phrase).map(String.init) }

    /// Whether a claim word appears in `text` at all, whatever surrounds it: the guard then
    /// holds the sentence until it can judge it whole.
    func mentions(_ text: String) -> Bool {
        let tokens = SpokenWords.tokens(text)
        return phrases.values.contains { list in list.contains { Self.find($0, in: tokens) != nil } }
    }

    /// The kinds a whole sentence claims (empty: none).
    public func kinds(in sentence: String) -> Set<ClaimKind> {
        let trimmed = sentence.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasSuffix("?") { return [] }
        let tokens = SpokenWords.tokens(trimmed)
        var kinds = Set<ClaimKind>()
        for (kind, list) in phrases {
            for phrase in list {
                var from = 0
                while let at = Self.find(phrase, in: tokens, from: from) {
                    from = at + 1
                    let before = tokens[max(0, at - Self.blockerReach)..<at]
                    if before.contains(where: { Self.blockers.contains(String($0)) || $0.hasSuffix("n't") }) { continue }
                    if !strong.contains(phrase), !aboutAVisit(trimmed, tokens: tokens) { continue }
                    kinds.insert(kind)
                    break
                }
            }
        }
        return kinds
    }

    private func aboutAVisit(_ sentence: String, tokens: [Substring]) -> Bool {
        tokens.contains { Self.visitWords.contains(String($0)) } || !SpokenWords.weekdays(in: sentence).isEmpty
            || !SpokenWords.times(in: sentence).isEmpty
    }

    private static func find(_ phrase: [String], in tokens: [Substring], from start: Int = 0) -> Int? {
        guard !phrase.isEmpty, tokens.count >= phrase.count, start <= tokens.count - phrase.count else { return nil }
        for index in start...(tokens.count - phrase.count) where tokens[index] == phrase[0] {
            if zip(phrase.indices, phrase).allSatisfy({ tokens[index + $0] == $1 }) { return index }
        }
        return nil
    }
}
