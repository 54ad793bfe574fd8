import OpenAIWire

/// Text that callers supplied (names, notes) as it goes into a prompt: quoted data, never
/// instructions (A12). A JSON string literal, so a newline or a quote inside it cannot end it
/// and start a line of its own; control characters turned into spaces; cut to a bounded length, so a
/// stored megabyte costs the prompt a few dozen characters.
enum PromptData {
    static func quoted(_ text: String, limit: Int = 60) -> String {
        JSONValue.string(text.bounded(limit, singleLine: true)).jsonString
    }
}
