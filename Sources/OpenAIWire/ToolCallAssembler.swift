/// Assembles streamed tool-call fragments into whole calls, whatever shape the upstream uses:
/// the name once then argument fragments (OpenAI), the name repeated in every fragment
/// (some llama.cpp / vLLM versions), the whole call in one fragment, or several calls
/// interleaved and told apart only by `index`.
public struct ToolCallAssembler: Sendable {
    private struct Partial: Sendable {
        var id: String?
        var name = ""
        var arguments = ""
    }

    private var partials: [Int: Partial] = [:]
    private var order: [Int] = []

    public init() {}

    public var isEmpty: Bool { partials.isEmpty }

    public mutating func add(_ delta: ToolCallDelta) {
        var partial = partials[delta.index] ?? {
            order.append(delta.index)
            return Partial()
        }()
        if let id = delta.id, !id.isEmpty { partial.id = id }
        if let name = delta.name, !name.isEmpty {
            // A repeated name is the same name again, not a fragment to append.
            if partial.name.isEmpty || name.hasPrefix(partial.name) {
                partial.name = name
            } else if partial.name != name {
                partial.name += name
            }
        }
        if let arguments = delta.arguments { partial.arguments += arguments }
        partials[delta.index] = partial
    }

    /// The calls in the order their first fragment arrived. A call without an id gets one,
    /// because the follow-up `tool` message must reference it.
    public func calls(idPrefix: String = "call_") -> [ToolCall] {
        order.enumerated().map { position, index in
            let partial = partials[index]!
            return ToolCall(
                id: partial.id ?? "\(idPrefix)\(position)_\(index)", name: partial.name,
                arguments: partial.arguments.isEmpty ? "{}" : partial.arguments)
        }
    }
}
