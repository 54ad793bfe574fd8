import OpenAIWire
import Reception

/// Where a turn's internal tool rounds belong in the client's history, and the check that the
/// history there is still the one the turn answered.
///
/// The client keeps the transcript (user messages and our spoken answers) and re-sends it each
/// turn, but never sees our tool rounds. We remember a turn with the number of non-system
/// messages it answered (`position`) and a fingerprint of the caller's number and the messages
/// up to there (`digest`). A later turn *continues* it when its own history fingerprints the
/// same up to there; only then does it get the turn's rounds back (right after message
/// `position`) and the identity the turn established.
///
/// With a telephony call id the provider says which call this is, and only user messages are
/// fingerprinted (clients re-send our text with their own whitespace and fields). Without one
/// (`includesAnswers`), two callers whose calls merely start alike share a conversation key, so
/// our answers count too: the continuation must hold our answers as we gave them (compared by
/// letters and digits only), including the answer of the turn it continues (A9).
public struct TranscriptAnchor: Sendable, Equatable {
    public var position: Int
    public var digest: String

    public init(position: Int, digest: String) {
        self.position = position
        self.digest = digest
    }

    /// The anchor of a turn answering `messages` (the client's messages as sent).
    public init(messages: [ChatMessage], callerNumber: String?, includesAnswers: Bool = false) {
        var fingerprint = Fingerprint(callerNumber: callerNumber, includesAnswers: includesAnswers)
        for message in messages where Self.isConversational(message) { fingerprint.add(message) }
        self.init(position: fingerprint.position, digest: fingerprint.digest)
    }

    /// The position a turn answering `messages` is anchored at: only turns anchored before it
    /// can be continued.
    public static func position(of messages: [ChatMessage]) -> Int {
        messages.count(where: isConversational)
    }

    /// The earlier turns that `messages` continues, in the order given.
    ///
    /// A turn recorded at the current end of the history (a retry of this very turn) is not
    /// continued: this turn runs again in its place.
    public static func continued(
        _ messages: [ChatMessage], turns: [ConversationTurn], callerNumber: String?, includesAnswers: Bool = false
    ) -> [ConversationTurn] {
        guard !turns.isEmpty else { return [] }
        let conversational = messages.filter(isConversational)
        var digests: [String] = []
        digests.reserveCapacity(conversational.count + 1)
        var fingerprint = Fingerprint(callerNumber: callerNumber, includesAnswers: includesAnswers)
        digests.append(fingerprint.digest)
        for message in conversational {
            fingerprint.add(message)
            digests.append(fingerprint.digest)
        }
        return turns.filter { turn in
            let position = turn.anchor.position
            guard position < conversational.count, digests[position] == turn.anchor.digest else { return false }
            guard includesAnswers else { return true }
            let next = conversational[position]
            return next.role == .assistant && normalisedAnswer(next.text ?? "") == normalisedAnswer(turn.answer ?? "")
        }
    }

    /// The client's messages with the rounds of the `continued` turns put back in place.
    ///
    /// Where a position was recorded twice (a retried turn), the latest recording is the one
    /// the client's history continues from. Rounds go only after a user or tool message, never
    /// between an assistant's tool calls and their results, so the result is always a valid
    /// OpenAI conversation.
    public static func splice(_ messages: [ChatMessage], continued turns: [ConversationTurn]) -> [ChatMessage] {
        var rounds: [Int: ConversationTurn] = [:]
        for turn in turns where !turn.internalMessages.isEmpty { rounds[turn.anchor.position] = turn }
        guard !rounds.isEmpty else { return messages }

        var result: [ChatMessage] = []
        result.reserveCapacity(messages.count + rounds.values.reduce(0) { $0 + $1.internalMessages.count })
        var position = 0
        for message in messages {
            result.append(message)
            guard isConversational(message) else { continue }
            position += 1
            guard message.role == .user || message.role == .tool, let turn = rounds[position] else { continue }
            result.append(contentsOf: turn.internalMessages)
        }
        return result
    }

    /// `splice(_:continued:)` of the turns `messages` continues.
    public static func splice(
        _ messages: [ChatMessage], turns: [ConversationTurn], callerNumber: String?, includesAnswers: Bool = false
    ) -> [ChatMessage] {
        splice(messages, continued: continued(messages, turns: turns, callerNumber: callerNumber, includesAnswers: includesAnswers))
    }

    /// The identity the latest continued turn handed on (the furthest position; of a retried
    /// turn, its latest recording).
    public static func inheritedIdentity(from continued: [ConversationTurn]) -> TurnIdentity.State {
        var latest: ConversationTurn?
        for turn in continued where turn.anchor.position >= (latest?.anchor.position ?? 0) { latest = turn }
        return latest?.identity ?? TurnIdentity.State()
    }

    static func isConversational(_ message: ChatMessage) -> Bool {
        message.role != .system && message.role != .developer
    }

    /// Our answer as the comparison sees it: letters and digits, lowercased, so a client's own
    /// whitespace, punctuation or markup around the same words does not break a continuation.
    static func normalisedAnswer(_ text: String) -> String {
        // ASCII (nearly every answer) needs no Unicode property lookups: the same letters and
        // digits, lowercased.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: text.utf8.compactMap { byte -> UInt8? in
                if ASCIIWords.isLetter(byte) { return byte | 0x20 }
                return (0x30...0x39).contains(byte) ? byte : nil
            }, as: UTF8.self)
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
            out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return String(out)
    }

    private struct Fingerprint {
        var hash = FNV1a()
        var position = 0
        let includesAnswers: Bool

        init(callerNumber: String?, includesAnswers: Bool) {
            self.includesAnswers = includesAnswers
            hash.add(callerNumber ?? "")
            hash.addSeparator()
        }

        mutating func add(_ message: ChatMessage) {
            position += 1
            switch message.role {
            case .user:
                // Trimmed by hand: Foundation's trimming showed up in profiles of every turn.
                let scalars = (message.text ?? message.content.jsonString).unicodeScalars
                var start = scalars.startIndex
                var end = scalars.endIndex
                while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
                while end > start, scalars[scalars.index(before: end)].properties.isWhitespace { end = scalars.index(before: end) }
                hash.add(Substring(scalars[start..<end]).utf8)
                hash.addSeparator()
            case .assistant where includesAnswers:
                hash.add("a:")
                hash.add(normalisedAnswer(message.text ?? ""))
                hash.addSeparator()
            default:
                return
            }
        }

        var digest: String { hash.hex }
    }
}
