import OpenAIWire

/// Where a turn's internal tool rounds belong in the client's history, and the check that the
/// history there is still the one the rounds answered.
///
/// The client keeps the transcript (user messages and our spoken answers) and re-sends it each
/// turn, but never sees our tool rounds. We remember a turn's rounds with the number of
/// non-system messages it answered (`position`) and a fingerprint of the caller's number and
/// every user message up to there (`digest`). A later turn gets the rounds back right after
/// message `position` when its own user messages up to there fingerprint the same. Only user
/// messages count: clients re-send our assistant text with their own whitespace and fields.
public struct TranscriptAnchor: Sendable, Equatable {
    public var position: Int
    public var digest: String

    public init(position: Int, digest: String) {
        self.position = position
        self.digest = digest
    }

    /// The anchor of a turn answering `messages` (the client's messages as sent).
    public init(messages: [ChatMessage], callerNumber: String?) {
        var fingerprint = Fingerprint(callerNumber: callerNumber)
        for message in messages where Self.isConversational(message) { fingerprint.add(message) }
        self.init(position: fingerprint.position, digest: fingerprint.digest)
    }

    /// The client's messages with the remembered rounds of earlier turns put back in place.
    ///
    /// A turn recorded at the current end of the history (a retry of this very turn) is not
    /// spliced: this turn runs its own rounds. Where a position was recorded twice (a retried
    /// turn), the latest recording is the one the client's history continues from. Rounds go
    /// only after a user or tool message, never between an assistant's tool calls and their
    /// results, so the result is always a valid OpenAI conversation.
    public static func splice(_ messages: [ChatMessage], turns: [ConversationTurn], callerNumber: String?) -> [ChatMessage] {
        var rounds: [Int: ConversationTurn] = [:]
        for turn in turns where !turn.internalMessages.isEmpty { rounds[turn.anchor.position] = turn }
        guard !rounds.isEmpty else { return messages }
        let total = messages.reduce(0) { $0 + (isConversational($1) ? 1 : 0) }

        var result: [ChatMessage] = []
        result.reserveCapacity(messages.count + rounds.values.reduce(0) { $0 + $1.internalMessages.count })
        var fingerprint = Fingerprint(callerNumber: callerNumber)
        for message in messages {
            result.append(message)
            guard isConversational(message) else { continue }
            fingerprint.add(message)
            guard fingerprint.position < total, message.role == .user || message.role == .tool,
                let turn = rounds[fingerprint.position], turn.anchor.digest == fingerprint.digest
            else { continue }
            result.append(contentsOf: turn.internalMessages)
        }
        return result
    }

    static func isConversational(_ message: ChatMessage) -> Bool {
        message.role != .system && message.role != .developer
    }

    private struct Fingerprint {
        var hash = FNV1a()
        var position = 0

        init(callerNumber: String?) {
            hash.add(callerNumber ?? "")
            hash.addSeparator()
        }

        mutating func add(_ message: ChatMessage) {
            position += 1
            guard message.role == .user else { return }
            // Trimmed by hand: Foundation's trimming showed up in profiles of every turn.
            let scalars = (message.text ?? message.content.jsonString).unicodeScalars
            var start = scalars.startIndex
            var end = scalars.endIndex
            while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
            while end > start, scalars[scalars.index(before: end)].properties.isWhitespace { end = scalars.index(before: end) }
            hash.add(Substring(scalars[start..<end]).utf8)
            hash.addSeparator()
        }

        var digest: String { hash.hex }
    }
}
