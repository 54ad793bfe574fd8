import Foundation

/// Splits a Markdown or plain-text document into passages of a few hundred characters, each
/// with the heading it sits under, so a search answers with something short enough to say
/// (and to put in a prompt), not a whole document.
///
/// Paragraphs (blank-line separated blocks; a list is one block, ended with a period like a
/// sentence) under one heading are packed together up to `targetLength`; a longer paragraph is
/// cut between sentences, a longer sentence between words. A new heading always starts a new
/// passage. Markdown markup that a voice would stumble on (emphasis, link targets, list
/// markers) and control characters are dropped.
public enum KnowledgeChunker {
    /// Passages are packed up to this many characters.
    public static let targetLength = 500

    /// The passages of `body`. Headings equal to `title` are not repeated on each passage.
    public static func passages(in body: String, title: String) -> [KnowledgeDraft.Passage] {
        var passages: [KnowledgeDraft.Passage] = []
        for (heading, paragraphs) in sections(of: body, title: title) {
            passages += packed(paragraphs.flatMap(pieces)).map { .init(heading: heading, text: $0) }
        }
        return passages
    }

    /// The text of the document's first Markdown heading, if it starts with one (after blank lines).
    public static func leadingHeading(in body: String) -> String? {
        guard let first = lines(of: body).first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
        return atxHeading(first.trimmingCharacters(in: .whitespaces)).flatMap { $0.isEmpty ? nil : $0 }
    }

    // MARK: - Blocks

    /// Paragraphs grouped under the heading they sit under, in document order.
    private static func sections(of body: String, title: String) -> [(heading: String?, paragraphs: [String])] {
        var sections: [(heading: String?, paragraphs: [String])] = [(nil, [])]
        var paragraph: [String] = []
        var inFence = false
        func flush() {
            var text = joined(paragraph)
            // Packed beside the next paragraph, a list or a label must not run into it.
            if let last = text.last, !".!?:;\"')]".contains(last) { text += "." }
            if !text.isEmpty { sections[sections.count - 1].paragraphs.append(text) }
            paragraph = []
        }
        func start(_ heading: String) {
            flush()
            let own = heading.isEmpty || heading.caseInsensitiveCompare(title.trimmingCharacters(in: .whitespaces)) == .orderedSame
            sections.append((own ? nil : heading, []))
        }
        for line in lines(of: body) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                // A code block's text is kept as text; its fences are not.
                inFence.toggle()
                flush()
                continue
            }
            if trimmed.isEmpty {
                flush()
            } else if !inFence, let heading = atxHeading(trimmed) {
                start(heading)
            } else if !inFence, trimmed.count >= 3, Set(trimmed).isSubset(of: ["="]) || Set(trimmed).isSubset(of: ["-"]) {
                // Setext: a single line underlined is a heading; otherwise a rule between paragraphs.
                if paragraph.count == 1, let heading = paragraph.first {
                    paragraph = []
                    start(joined([heading]))
                } else {
                    flush()
                }
            } else {
                paragraph.append(String(line))
            }
        }
        flush()
        return sections.filter { !$0.paragraphs.isEmpty }
    }

    /// A paragraph's lines as one line of plain text. List items are separated by "; " unless
    /// the previous item ended its own sentence.
    private static func joined(_ lines: [String]) -> String {
        var text = ""
        for line in lines {
            let (item, isListItem) = withoutListMarker(line.trimmingCharacters(in: .whitespaces))
            let clean = plain(item)
            guard !clean.isEmpty else { continue }
            if !text.isEmpty {
                let ended = text.last.map { ".:;!?,".contains($0) } ?? true
                text += isListItem && !ended ? "; " : " "
            }
            text += clean
        }
        return text
    }

    /// `# Heading` (up to six #, optional closing #s) → "Heading" ("" for a bare `#`); nil for
    /// any other line.
    private static func atxHeading(_ line: String) -> String? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        let text = plain(String(rest).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "#"))
            .trimmingCharacters(in: .whitespaces))
        return text
    }

    private static func withoutListMarker(_ line: String) -> (String, Bool) {
        for marker in ["- ", "* ", "+ ", "• "] where line.hasPrefix(marker) {
            return (String(line.dropFirst(marker.count)), true)
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 3 {
            let rest = line.dropFirst(digits.count)
            if rest.hasPrefix(". ") || rest.hasPrefix(") ") { return (String(rest.dropFirst(2)), true) }
        }
        return (line, false)
    }

    /// Inline Markdown read as plain words: `[text](url)` → text, emphasis and code marks
    /// dropped, control characters and runs of white space made one space.
    private static func plain(_ text: String) -> String {
        var text = text.replacing(#/!?\[([^\]]*)\]\([^)]*\)/#) { String($0.output.1) }
        for mark in ["**", "__", "`"] { text = text.replacingOccurrences(of: mark, with: "") }
        return text.split(whereSeparator: { $0.isWhitespace || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } })
            .joined(separator: " ")
    }

    private static func lines(of body: String) -> [Substring] {
        body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
    }

    // MARK: - Pieces

    /// A paragraph as pieces of at most `targetLength` characters: itself, or its sentences
    /// packed, or (for a sentence longer than that) its words packed.
    private static func pieces(_ paragraph: String) -> [String] {
        guard paragraph.count > targetLength else { return [paragraph] }
        return packed(sentences(of: paragraph).flatMap { sentence in
            sentence.count > targetLength ? packed(sentence.split(separator: " ").map(String.init)) : [sentence]
        })
    }

    /// Consecutive parts joined by spaces into pieces of at most `targetLength` characters (a
    /// single longer part is cut).
    private static func packed(_ parts: [String]) -> [String] {
        var pieces: [String] = []
        var current = ""
        // Lengths are counted once per part: String.count walks the whole string.
        var length = 0
        for part in parts.flatMap(cut) {
            let added = part.count
            if length > 0, length + 1 + added > targetLength {
                pieces.append(current)
                (current, length) = ("", 0)
            }
            current += length == 0 ? part : " " + part
            length += length == 0 ? added : 1 + added
        }
        if length > 0 { pieces.append(current) }
        return pieces
    }

    /// `text` in runs of at most `targetLength` characters, in one pass (a megabyte without a
    /// space, a pasted blob, must not cost a pass per run).
    private static func cut(_ text: String) -> [String] {
        guard text.count > targetLength else { return [text] }
        var runs: [String] = []
        var run = ""
        var length = 0
        for character in text {
            run.append(character)
            length += 1
            if length == targetLength {
                runs.append(run)
                (run, length) = ("", 0)
            }
        }
        if !run.isEmpty { runs.append(run) }
        return runs
    }

    /// Sentences end at ".", "!" or "?" followed by a space.
    private static func sentences(of text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        var previous: Character?
        for character in text {
            if character == " ", let previous, ".!?".contains(previous) {
                sentences.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        if !current.isEmpty { sentences.append(current) }
        return sentences
    }
}
