import OpenAIWire

/// Identifies a conversation across turns: the telephony call id when the provider sends one,
/// otherwise a fingerprint of how the conversation began (its first user message and what
/// preceded it), which stays the same as later turns append messages.
public enum ConversationKey {
    public static func make(callID: String?, messages: [ChatMessage]) -> String {
        if let callID, !callID.isEmpty { return "call:\(callID)" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: stable across processes, unlike Hasher
        var seen = 0
        for message in messages where message.role != .system && message.role != .developer {
            for byte in message.json.serialized() {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
            seen += 1
            if message.role == .user || seen >= 2 { break }
        }
        return "hist:" + String(hash, radix: 16)
    }
}
