/// The speech guard's fast path: the same answers as its `Character`-based reading, computed
/// on UTF-8 bytes for the text that allows it (plain ASCII, nearly every word a model streams).
///
/// The guard looks at every word a caller hears; read as `Character`s and through Foundation,
/// a twelve-word answer cost over a million instructions. Every function here returns nil
/// where it cannot answer exactly as the slow path would, and the caller then takes that path.
enum ASCIIWords {
    /// Bytes after which the slow path reads a word: markup, ids in parentheses, JSON, field
    /// names and line breaks, and anything outside ASCII.
    static func isPlain(_ word: String) -> Bool {
        word.utf8.allSatisfy { byte in
            byte < 0x80 && byte != UInt8(ascii: "(") && byte != UInt8(ascii: "{") && byte != UInt8(ascii: "*")
                && byte != UInt8(ascii: "`") && byte != UInt8(ascii: "_") && byte != UInt8(ascii: "\n")
                && byte != UInt8(ascii: "\r")
        }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    static func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte | 0x20) }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "'")
    }

    /// Where the first whole word ends (after the whitespace that follows it), or nil when no
    /// whitespace has come yet; `.some(nil)` would need the slow path (non-ASCII before the end).
    static func wordEnd(in text: Substring) -> String.Index?? {
        let utf8 = text.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte >= 0x80 { return .some(nil) }
            if isWhitespace(byte) {
                let next = utf8.index(after: index)
                // "\r\n" is one Character: the word ends after both.
                if byte == 0x0D, next != utf8.endIndex, utf8[next] == 0x0A { return utf8.index(after: next) }
                return next
            }
            index = utf8.index(after: index)
        }
        return nil
    }

    /// `SpokenWords.tokens` of an ASCII word: lowercased runs of letters, digits and apostrophes.
    static func tokens(_ word: String) -> [String] {
        var tokens: [String] = []
        var current: [UInt8] = []
        for byte in word.utf8 {
            if isTokenByte(byte) {
                current.append(isLetter(byte) ? byte | 0x20 : byte)
            } else if !current.isEmpty {
                tokens.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { tokens.append(String(decoding: current, as: UTF8.self)) }
        return tokens
    }

    /// The word without the spaces and tabs around it (`.whitespaces`: not line breaks).
    static func trimmedBytes(_ word: String) -> Substring.UTF8View {
        let utf8 = word.utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start != end, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        while end != start, utf8[utf8.index(before: end)] == 0x20 || utf8[utf8.index(before: end)] == 0x09 {
            end = utf8.index(before: end)
        }
        return word[start..<end].utf8
    }
}
