import OpenAIWire

/// Identifies a conversation across turns: the telephony call id when the provider sends one,
/// otherwise a fingerprint of the caller's number and how the conversation began (its first
/// user message and what preceded it), which stays the same as later turns append messages.
/// The number is part of it so two callers who both open with "Hi" are two conversations.
public enum ConversationKey {
    public static func make(callID: String?, callerNumber: String?, messages: [ChatMessage]) -> String {
        if let callID, !callID.isEmpty { return "call:\(callID)" }
        var hash = FNV1a()
        if let callerNumber {
            hash.add(callerNumber)
            hash.addSeparator()
        }
        var seen = 0
        for message in messages where message.role != .system && message.role != .developer {
            hash.add(message.json.serialized())
            seen += 1
            if message.role == .user || seen >= 2 { break }
        }
        return "hist:" + hash.hex
    }
}
