import Foundation

/// What of the model's words reaches the caller, word by word as they stream.
///
/// - A sentence that claims a calendar change (`ClaimPhrases`) is held from its claim word to
///   its end and judged against what the calendar backs (`PromiseEvidence`): kept, it is said;
///   not, it is withheld, and so is the rest of the round, for the agent to correct. Every
///   other word goes out as soon as it is whole, so an honest answer costs one token of delay.
/// - Markdown, JSON and field names never reach the ears: emphasis and list markers are
///   dropped, `provider_id` is said "provider", JSON is not said at all.
/// - FrontDesk's own filler is said at most once a turn, even when the model repeats it.
struct SpeechGuard {
    private let phrases: ClaimPhrases
    /// The filler as compared (letters and digits, lowercased); nil when the persona has none.
    private let filler: String?
    private let keepsLineBreaks: Bool
    /// Set when FrontDesk said the filler this turn: the model's copy of it is then dropped.
    var fillerSaid = false

    /// Text not yet a whole word.
    private var pending = ""
    /// What was said of the current sentence (its end), for judging a claim later in it.
    private var sentence = ""
    /// Words held since a claim word appeared in the sentence.
    private var claim: String?
    /// Words held while they could still be the filler said again.
    private var fillerEcho = ""
    /// Little words that lead into a claim ("I've", "is", "all"), held until the next word shows
    /// whether one follows: withheld, "Great, I've booked…" leaves "Great," not "Great, I've".
    private var lead = ""
    private var atLineStart = true
    /// Inside a JSON object the model wrote into its words: nothing of it is said.
    private var jsonDepth = 0
    /// A parenthesis being read, held until it closes: "(appointment id 4)" is not said.
    private var parenthesis: String?
    /// The round ended: what is left is said as it is.
    private var flushing = false
    /// A claim judged unkept this round, and the raw text that came after it.
    private(set) var withheld: String?
    private var held = ""
    private(set) var interventions: [SpeechIntervention] = []
    /// What markup was taken out this turn, reported as one intervention.
    private var markupSeen: [String] = []

    init(phrases: ClaimPhrases, filler: String?, channel: String) {
        self.phrases = phrases
        self.filler = filler.map(TranscriptAnchor.normalisedAnswer).flatMap { $0.isEmpty ? nil : $0 }
        self.keepsLineBreaks = channel == "sms"
    }

    var isBlocked: Bool { withheld != nil }

    /// The interventions so far, handed over once.
    mutating func takeInterventions() -> [SpeechIntervention] {
        if !markupSeen.isEmpty {
            interventions.append(SpeechIntervention(kind: .markup, text: markupSeen.joined(separator: " ")))
            markupSeen = []
        }
        defer { interventions = [] }
        return interventions
    }

    /// The model's next text; returns what may be said now.
    mutating func feed(_ text: String, evidence: () -> PromiseEvidence) -> String {
        if isBlocked { held += text; return "" }
        pending += text
        var out = ""
        // Words are cut off a slice, not removed from `pending` one by one: a whole JSON answer
        // comes in one piece, and removing from a string's front copies the rest each time.
        var rest = pending[...]
        while let end = Self.wordEnd(in: rest) ?? (rest.utf8.count > Self.longestWord ? rest.endIndex : nil) {
            let word = String(rest[..<end])
            rest = rest[end...]
            out += take(word, evidence: evidence)
            if isBlocked {
                held += rest
                rest = rest[rest.endIndex...]
                break
            }
        }
        pending = String(rest)
        return out
    }

    /// The round's text has all arrived: the last word and any held sentence are judged now.
    mutating func endOfRound(evidence: () -> PromiseEvidence) -> String {
        var out = ""
        if !pending.isEmpty, !isBlocked {
            let rest = pending
            pending = ""
            out += take(rest, evidence: evidence)
        }
        if let open = parenthesis, !isBlocked {
            // Never closed: it was not an id in parentheses after all.
            parenthesis = nil
            flushing = true
            out += take(open, evidence: evidence)
            flushing = false
        }
        if !fillerEcho.isEmpty, !isBlocked {
            // It began like the filler but the round ended first: it was not the filler.
            let echo = fillerEcho
            fillerEcho = ""
            out += release(echo, evidence: evidence)
        }
        if !lead.isEmpty, !isBlocked {
            out += lead
            lead = ""
        }
        if let open = claim, !isBlocked {
            claim = nil
            out += judge(open, evidence: evidence)
        }
        sentence = ""
        // A brace the round never closed does not silence the next round.
        jsonDepth = 0
        return out
    }

    /// After the round's tools ran: a withheld claim they now back is said after all, with
    /// what followed it.
    mutating func reconsider(evidence: () -> PromiseEvidence) -> String {
        guard let claimed = withheld else { return "" }
        guard evidence().keeps(claimed, kinds: phrases.kinds(in: claimed)) else { return "" }
        let rest = held
        withheld = nil
        held = ""
        return claimed + feed(rest, evidence: evidence) + endOfRound(evidence: evidence)
    }

    /// A new round (after a correction): what was withheld is dropped for good.
    mutating func startRound() {
        parenthesis = nil
        jsonDepth = 0
        withheld = nil
        held = ""
        pending = ""
        claim = nil
        fillerEcho = ""
        lead = ""
        sentence = ""
        atLineStart = true
    }

    // MARK: - Words

    private mutating func take(_ raw: String, evidence: () -> PromiseEvidence) -> String {
        let word = clean(raw)
        if word.isEmpty { return "" }
        if let open = claim {
            claim = open + word
            guard Self.endsSentence(word) else { return "" }
            claim = nil
            return judge(open + word, evidence: evidence)
        }
        if fillerSaid, let filler {
            let echo = fillerEcho + word
            let normalised = TranscriptAnchor.normalisedAnswer(echo)
            if normalised == filler {
                fillerEcho = ""
                interventions.append(SpeechIntervention(kind: .repeatedFiller, text: echo))
                return ""
            }
            if !normalised.isEmpty, filler.hasPrefix(normalised) {
                fillerEcho = echo
                return ""
            }
            fillerEcho = ""
            if echo != word { return release(echo, evidence: evidence) }
        }
        return release(word, evidence: evidence)
    }

    /// A word (or words) not held for the filler: said, unless a claim begins in it.
    private mutating func release(_ next: String, evidence: () -> PromiseEvidence) -> String {
        if Self.leadsIn(next) {
            lead += next
            return ""
        }
        let words = lead + next
        lead = ""
        let candidate = sentence + words
        if mayBeginClaim(words) {
            let ends = Self.endsSentence(words)
            guard ends else { claim = words; return "" }
            return judge(words, evidence: evidence)
        }
        // Only the sentence's end is needed to judge a claim in it; a run-on is cut short.
        // A suffix counts Characters from the end; a sentence shorter in bytes needs none.
        sentence = Self.endsSentence(words) ? ""
            : candidate.utf8.count <= Self.sentenceMemory ? candidate : String(candidate.suffix(Self.sentenceMemory))
        return words
    }

    /// Whether a claim phrase may end in `words`. A claim phrase is at most a few words long:
    /// only the sentence's last words can begin one that ends in these, so a long sentence is
    /// not read again on every word. And what came before was read already: unless one of
    /// these words is a word of some phrase, none can end here.
    private func mayBeginClaim(_ words: String) -> Bool {
        let separated = sentence.utf8.last.map { $0 < 0x80 && !ASCIIWords.isTokenByte($0) } ?? true
            || words.utf8.first.map { $0 < 0x80 && !ASCIIWords.isTokenByte($0) } ?? true
        if separated, words.utf8.allSatisfy({ $0 < 0x80 }), !ASCIIWords.tokens(words).contains(where: phrases.vocabulary.contains) {
            return false
        }
        return phrases.mentions(Self.lastWords(of: sentence, count: phrases.longestPhrase - 1) + words)
    }

    private mutating func judge(_ claimed: String, evidence: () -> PromiseEvidence) -> String {
        let whole = sentence + claimed
        sentence = ""
        let kinds = phrases.kinds(in: whole)
        if kinds.isEmpty || evidence().keeps(whole, kinds: kinds) { return claimed }
        withheld = claimed
        return ""
    }

    static let leadIns: Set<String> = [
        "i", "i've", "i'm", "we", "we've", "we're", "you", "you're", "you've", "it", "it's", "that's", "that", "have", "has",
        "had", "is", "are", "was", "were", "been", "be", "all", "now", "just", "already", "successfully", "also", "got",
        "gone", "ahead", "and", "so", "your", "the", "appointment", "visit",
    ]
    private static let longestLeadIn = leadIns.map(\.utf8.count).max() ?? 0

    /// A lead-in word standing alone, with nothing after it in its sentence yet (no comma, no end).
    static func leadsIn(_ word: String) -> Bool {
        if word.utf8.allSatisfy({ $0 < 0x80 }) {
            let trimmed = ASCIIWords.trimmedBytes(word)
            guard let last = trimmed.last, ASCIIWords.isLetter(last), trimmed.count <= longestLeadIn else { return false }
            return leadIns.contains(String(decoding: trimmed.map { ASCIIWords.isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self))
        }
        let trimmed = word.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.last?.isLetter == true else { return false }
        return leadIns.contains(trimmed.lowercased().replacing("\u{2019}", with: "'"))
    }

    /// The last `count` words of `text`, with what follows them.
    static func lastWords(of text: String, count: Int) -> Substring {
        guard count > 0 else { return text[text.endIndex...] }
        var seen = 0
        var index = text.endIndex
        while index > text.startIndex {
            let previous = text.index(before: index)
            if !text[previous].isWhitespace, previous == text.startIndex || text[text.index(before: previous)].isWhitespace {
                seen += 1
                if seen == count { return text[previous...] }
            }
            index = previous
        }
        return text[...]
    }

    /// Past this many bytes without whitespace, what came is a word anyway.
    static let longestWord = 200
    /// How much of a sentence is kept for judging a claim at its end.
    static let sentenceMemory = 300

    /// Where the first whole word of `text` ends: after the whitespace that follows it.
    static func wordEnd(in text: Substring) -> String.Index? {
        switch ASCIIWords.wordEnd(in: text) {
        case .none: return nil
        case .some(.some(let end)): return end
        case .some(.none): break
        }
        guard let space = text.firstIndex(where: \.isWhitespace) else { return nil }
        return text.index(after: space)
    }

    private static let abbreviations: Set<String> = ["dr", "mr", "mrs", "ms", "st", "a.m", "p.m", "e.g", "i.e", "vs"]

    static func endsSentence(_ word: String) -> Bool {
        if word.utf8.allSatisfy({ $0 < 0x80 }) {
            if word.utf8.contains(0x0A) { return true }
            let trimmed = ASCIIWords.trimmedBytes(word)
            guard let last = trimmed.last, last == UInt8(ascii: ".") || last == UInt8(ascii: "!") || last == UInt8(ascii: "?") else {
                return false
            }
            guard last == UInt8(ascii: ".") else { return true }
            let stem = trimmed.dropLast().drop { !ASCIIWords.isLetter($0) }
            guard stem.count <= 3 else { return true }
            return !abbreviations.contains(String(decoding: stem.map { ASCIIWords.isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self))
        }
        if word.contains("\n") { return true }
        let trimmed = word.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last, ".!?".contains(last) else { return false }
        if last == "." {
            let stem = trimmed.dropLast().drop { !$0.isLetter }
            if abbreviations.contains(stem.lowercased()) { return false }
        }
        return true
    }

    // MARK: - Markup

    /// The word as it may be spoken: no markdown, JSON, field names or ids.
    private mutating func clean(_ raw: String) -> String {
        // Nearly every word: nothing open, not at a line's start, no byte that markup needs.
        if !atLineStart, parenthesis == nil, jsonDepth == 0, ASCIIWords.isPlain(raw) { return raw }
        let lineStart = atLineStart
        atLineStart = raw.contains("\n")
        guard let unheld = withoutIDs(raw) else { return "" }
        var text = withoutJSON(unheld)
        var changed = text.count != raw.count
        let core = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // A list or heading marker at the start of a line: "1.", "-", "*", "•", "##".
        if lineStart, !core.isEmpty, core.allSatisfy({ $0.isNumber || ".)-*•#>".contains($0) }),
           !core.allSatisfy(\.isNumber)
        {
            markupSeen.append(String(core.prefix(40)))
            return text.contains("\n") && keepsLineBreaks ? "\n" : ""
        }
        for mark in ["**", "`"] where text.contains(mark) {
            text = text.replacing(mark, with: "")
            changed = true
        }
        if let spoken = Self.speakingIdentifiers(text) {
            text = spoken
            changed = true
        }
        if !keepsLineBreaks, text.contains("\n") {
            // Heard, a line break is a pause: without one, a list's lines run together
            // ("Monday at 9:00 AM Monday at 9:30 AM").
            let pause = text.trimmingCharacters(in: .whitespacesAndNewlines).last.map { $0.isLetter || $0.isNumber } ?? false
            text = text.replacing("\n", with: " ")
            if pause, let end = text.lastIndex(where: { !$0.isWhitespace }) { text.insert(",", at: text.index(after: end)) }
        }
        if changed {
            markupSeen.append(String(core.prefix(40)))
            if text.allSatisfy(\.isWhitespace) { return "" }
        }
        return text
    }

    /// Words inside parentheses are held until they close; a parenthesis naming an id (the
    /// live context's "(appointment id 4)", which a small model read aloud) is dropped, with
    /// the punctuation after it kept. Nil while a parenthesis is still open.
    private mutating func withoutIDs(_ word: String) -> String? {
        if parenthesis == nil {
            guard !flushing, word.trimmingCharacters(in: .whitespaces).hasPrefix("(") else { return word }
            parenthesis = ""
        }
        let text = parenthesis! + word
        guard let close = text.lastIndex(of: ")") else {
            if text.utf8.count > 120 {
                parenthesis = nil
                return text
            }
            parenthesis = text
            return nil
        }
        parenthesis = nil
        let inside = text[..<close]
        let words = SpokenWords.tokens(String(inside))
        guard words.contains("id") || words.contains("ids") else { return text }
        markupSeen.append(String(inside.trimmingCharacters(in: .whitespaces).prefix(40)) + ")")
        let lead = text.prefix { $0.isWhitespace }
        return String(lead) + text[text.index(after: close)...].drop { $0 == " " }
    }

    /// Braces and what is between them, across words (a JSON object streams in pieces).
    private mutating func withoutJSON(_ text: String) -> String {
        guard jsonDepth > 0 || text.contains("{") else { return text }
        var kept = ""
        for character in text {
            if character == "{" {
                jsonDepth += 1
            } else if jsonDepth > 0 {
                if character == "}" { jsonDepth -= 1 }
            } else {
                kept.append(character)
            }
        }
        return kept
    }

    /// `provider_id,` → "provider,": a snake_case name said as words (its `_id` dropped), or
    /// nil when there is none.
    static func speakingIdentifiers(_ text: String) -> String? {
        guard text.contains("_") else { return nil }
        var out = ""
        var found = false
        var word = ""
        func flush() {
            if word.contains("_"), word.first?.isLetter == true, word.last != "_" {
                var name = word.lowercased()
                if name.hasSuffix("_id") { name.removeLast(3) }
                out += name.replacing("_", with: " ")
                found = true
            } else {
                out += word
            }
            word = ""
        }
        for character in text {
            if character.isLetter || character.isNumber || character == "_" {
                word.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return found ? out : nil
    }
}
