import Foundation

/// What of the model's words reaches the caller, clause by clause as they stream.
///
/// - A sentence that claims a calendar change (`ClaimPhrases`) is held from its claim word to
///   its end and judged against what the calendar backs (`PromiseEvidence`): kept, it is said;
///   not, it is withheld, and so is the rest of the round, for the agent to correct.
///   Everything else flows at clause boundaries (`,` `.` `;` `:` `!` `?` or a line break), so the
///   first words wait only for the first clause, not for the answer.
/// - Markdown, JSON and field names never reach the ears: emphasis and list markers are
///   dropped, `provider_id` is said "provider", a clause with JSON in it is not said at all.
/// - FrontDesk's own filler is said at most once a turn, even when the model repeats it.
struct SpeechGuard {
    private let phrases: ClaimPhrases
    /// The filler as compared (letters and digits, lowercased); nil when the persona has none.
    private let filler: String?
    private let keepsLineBreaks: Bool
    /// Set when the filler was said this turn (by FrontDesk or the model).
    var fillerSaid = false

    /// Text not yet a whole clause.
    private var pending = ""
    /// What was said of the current sentence, for judging a claim later in it.
    private var sentence = ""
    /// A sentence held since a claim word appeared in it.
    private var claim: String?
    /// A claim judged unkept this round, and the raw text that came after it.
    private(set) var withheld: String?
    private var held = ""
    /// Inside a JSON object the model wrote into its words: nothing of it is said.
    private var jsonDepth = 0
    private(set) var interventions: [SpeechIntervention] = []

    init(phrases: ClaimPhrases, filler: String?, channel: String) {
        self.phrases = phrases
        self.filler = filler.map(TranscriptAnchor.normalisedAnswer)
        self.keepsLineBreaks = channel == "sms"
    }

    var isBlocked: Bool { withheld != nil }

    /// The interventions so far, handed over once.
    mutating func takeInterventions() -> [SpeechIntervention] {
        defer { interventions = [] }
        return interventions
    }

    /// The model's next text; returns what may be said now.
    mutating func feed(_ text: String, evidence: () -> PromiseEvidence) -> String {
        if isBlocked { held += text; return "" }
        pending += text
        var out = ""
        while let end = Self.clauseEnd(in: pending) ?? (pending.utf8.count > Self.longestClause ? pending.endIndex : nil) {
            let clause = String(pending[..<end])
            pending.removeSubrange(..<end)
            out += take(clause, evidence: evidence)
            if isBlocked {
                held += pending
                pending = ""
                break
            }
        }
        return out
    }

    /// The round's text has all arrived: the last clause and any held sentence are judged now.
    mutating func endOfRound(evidence: () -> PromiseEvidence) -> String {
        var out = ""
        if !pending.isEmpty, !isBlocked {
            let rest = pending
            pending = ""
            out += take(rest, evidence: evidence)
        }
        if let open = claim, !isBlocked {
            claim = nil
            out += judge(open, evidence: evidence)
        }
        sentence = ""
        return out
    }

    /// After the round's tools ran: a withheld claim they now back is said after all, with
    /// what followed it.
    mutating func reconsider(evidence: () -> PromiseEvidence) -> String {
        guard let claimed = withheld else { return "" }
        let kinds = phrases.kinds(in: claimed)
        guard evidence().keeps(claimed, kinds: kinds) else { return "" }
        let rest = held
        withheld = nil
        held = ""
        return claimed + feed(rest, evidence: evidence) + endOfRound(evidence: evidence)
    }

    /// A new round (after a correction): what was withheld is dropped for good.
    mutating func startRound() {
        withheld = nil
        held = ""
        pending = ""
        claim = nil
        sentence = ""
    }

    // MARK: - Clauses

    private mutating func take(_ raw: String, evidence: () -> PromiseEvidence) -> String {
        let clause = clean(raw)
        if clause.isEmpty { return "" }
        if let filler, clause.utf8.count < filler.utf8.count * 2 + 16, TranscriptAnchor.normalisedAnswer(clause) == filler {
            if fillerSaid {
                interventions.append(SpeechIntervention(kind: .repeatedFiller, text: clause))
                return ""
            }
            fillerSaid = true
        }
        let ends = Self.endsSentence(clause)
        if let open = claim {
            claim = open + clause
            guard ends else { return "" }
            claim = nil
            return judge(open + clause, evidence: evidence)
        }
        if phrases.mentions(clause) {
            guard ends else { claim = clause; return "" }
            return judge(clause, evidence: evidence)
        }
        sentence = ends ? "" : sentence + clause
        return clause
    }

    private mutating func judge(_ claimed: String, evidence: () -> PromiseEvidence) -> String {
        let whole = sentence + claimed
        sentence = ""
        let kinds = phrases.kinds(in: whole)
        if kinds.isEmpty || evidence().keeps(whole, kinds: kinds) { return claimed }
        withheld = claimed
        return ""
    }

    /// Past this many bytes without a boundary, what came is a clause anyway: a run-on answer
    /// must not wait to its end, nor be scanned again on every token.
    static let longestClause = 600

    /// Where the first whole clause of `text` ends: after a boundary that is followed by
    /// whitespace (so "8:30", "1,000" and "Dr. Patel" do not end one), or after a line break.
    static func clauseEnd(in text: String) -> String.Index? {
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "\n" { return next }
            if ".,;:!?".contains(character), next < text.endIndex, text[next].isWhitespace {
                if character == ".", isAbbreviation(before: index, in: text) { index = next; continue }
                return next
            }
            index = next
        }
        return nil
    }

    private static let abbreviations: Set<String> = ["dr", "mr", "mrs", "ms", "st", "a.m", "p.m", "e.g", "i.e", "vs", "no"]

    private static func isAbbreviation(before dot: String.Index, in text: String) -> Bool {
        var start = dot
        while start > text.startIndex {
            let previous = text.index(before: start)
            guard text[previous].isLetter || text[previous] == "." else { break }
            start = previous
        }
        return abbreviations.contains(text[start..<dot].lowercased())
    }

    static func endsSentence(_ clause: String) -> Bool {
        guard let last = clause.last(where: { !$0.isWhitespace || $0 == "\n" }) else { return false }
        return ".!?\n".contains(last)
    }

    // MARK: - Markup

    /// The clause as it may be spoken: no markdown, JSON or field names.
    private mutating func clean(_ raw: String) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        var text = withoutJSON(raw)
        if text.count != raw.count {
            interventions.append(SpeechIntervention(kind: .markup, text: trimmed))
            if text.allSatisfy(\.isWhitespace) { return "" }
        }
        // A list marker on its own ("1.", "-") is a clause of its own here.
        if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "*" || $0 == "•" }) {
            interventions.append(SpeechIntervention(kind: .markup, text: trimmed))
            return ""
        }
        var changed = false
        for mark in ["**", "__", "`"] where text.contains(mark) {
            text = text.replacing(mark, with: "")
            changed = true
        }
        let lead = text.prefix { $0.isWhitespace }
        var body = text.dropFirst(lead.count)
        while let first = body.first, "#*-•>".contains(first) {
            body = body.dropFirst().drop { $0 == " " }
            changed = true
        }
        text = String(lead) + body
        if let spoken = Self.speakingIdentifiers(text) {
            text = spoken
            changed = true
        }
        if !keepsLineBreaks, text.contains("\n") {
            text = text.replacing("\n", with: " ")
            while text.contains("  ") { text = text.replacing("  ", with: " ") }
        }
        if changed { interventions.append(SpeechIntervention(kind: .markup, text: trimmed)) }
        return text
    }

    /// Braces and what is between them, across clauses (a JSON object streams in pieces).
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

    /// `provider_id, location_id` → "provider, location": a snake_case name said as words
    /// (its `_id` dropped), or nil when there is none.
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
