import Foundation

/// Hand-written OpenAI wire JSON for the fake: small, allocation-light, and shaped per
/// OpenAI's `CreateChatCompletionResponse` / `CreateChatCompletionStreamResponse` / `ErrorResponse`.
enum FakeWire {
    /// Appends `value` as a JSON string literal (with quotes).
    static func appendJSONString(_ value: some StringProtocol, to out: inout String) {
        out.append("\"")
        var needsEscape = false
        for unit in value.utf8 where unit < 0x20 || unit == 0x22 || unit == 0x5C {
            needsEscape = true
            break
        }
        if !needsEscape {
            out.append(contentsOf: value)
            out.append("\"")
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out.append("\\u")
                out.append(String(repeating: "0", count: 4 - hex.count))
                out.append(hex)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }

    static func jsonString(_ value: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count + 2)
        appendJSONString(value, to: &out)
        return out
    }

    /// Splits text into word chunks, each word with its trailing whitespace (leading whitespace
    /// goes with the first word), so that the chunks joined are exactly the text.
    static func wordChunks(_ text: String) -> [Substring] {
        var chunks: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        var seenWord = false
        var inSpace = false
        while index < text.endIndex {
            let isSpace = text[index].isWhitespace
            if isSpace {
                inSpace = seenWord
            } else {
                if inSpace {
                    chunks.append(text[start..<index])
                    start = index
                    inSpace = false
                }
                seenWord = true
            }
            index = text.index(after: index)
        }
        if start < text.endIndex { chunks.append(text[start...]) }
        return chunks
    }

    /// Splits tool-call arguments into small fragments (at least one, possibly "").
    static func argumentFragments(_ arguments: String, size: Int = 8) -> [Substring] {
        if arguments.isEmpty { return [arguments[...]] }
        var fragments: [Substring] = []
        var start = arguments.startIndex
        while start < arguments.endIndex {
            let end = arguments.index(start, offsetBy: size, limitedBy: arguments.endIndex) ?? arguments.endIndex
            fragments.append(arguments[start..<end])
            start = end
        }
        return fragments
    }

    static func errorType(for status: Int) -> (type: String, code: String?) {
        switch status {
        case 401: return ("invalid_request_error", "invalid_api_key")
        case 403: return ("permission_error", nil)
        case 404: return ("invalid_request_error", "model_not_found")
        case 429: return ("requests", "rate_limit_exceeded")
        case 400..<500: return ("invalid_request_error", nil)
        default: return ("server_error", nil)
        }
    }

    /// `{"error":{"message":…,"type":…,"param":null,"code":…}}`
    static func errorBody(status: Int, message: String, param: String? = nil) -> String {
        let (type, code) = errorType(for: status)
        var out = "{\"error\":{\"message\":"
        appendJSONString(message, to: &out)
        out.append(",\"type\":")
        appendJSONString(type, to: &out)
        out.append(",\"param\":")
        if let param { appendJSONString(param, to: &out) } else { out.append("null") }
        out.append(",\"code\":")
        if let code { appendJSONString(code, to: &out) } else { out.append("null") }
        out.append("}}")
        return out
    }

    static func usageJSON(prompt: Int, completion: Int) -> String {
        "{\"prompt_tokens\":\(prompt),\"completion_tokens\":\(completion),\"total_tokens\":\(prompt + completion)}"
    }

    /// The tool call as it appears in a non-streamed message.
    static func appendToolCall(_ call: ScriptedToolCall, id: String, to out: inout String) {
        out.append("{\"id\":")
        appendJSONString(id, to: &out)
        out.append(",\"type\":\"function\",\"function\":{\"name\":")
        appendJSONString(call.name, to: &out)
        out.append(",\"arguments\":")
        appendJSONString(call.arguments, to: &out)
        out.append("}}")
    }

    /// A whole non-streamed `chat.completion`. `content` nil means JSON null.
    static func completion(
        id: String, created: Int, model: String, content: String?, toolCalls: [(ScriptedToolCall, String)],
        finishReason: String, usage: String
    ) -> String {
        var out = "{\"id\":"
        appendJSONString(id, to: &out)
        out.append(",\"object\":\"chat.completion\",\"created\":\(created),\"model\":")
        appendJSONString(model, to: &out)
        out.append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":")
        if let content { appendJSONString(content, to: &out) } else { out.append("null") }
        out.append(",\"refusal\":null")
        if !toolCalls.isEmpty {
            out.append(",\"tool_calls\":[")
            for (i, (call, callID)) in toolCalls.enumerated() {
                if i > 0 { out.append(",") }
                appendToolCall(call, id: callID, to: &out)
            }
            out.append("]")
        }
        out.append("},\"logprobs\":null,\"finish_reason\":")
        appendJSONString(finishReason, to: &out)
        out.append("}],\"usage\":")
        out.append(usage)
        out.append(",\"system_fingerprint\":\"fp_scripted\"}")
        return out
    }

    /// Builds the `data: {chunk}\n\n` events of one streamed completion.
    struct ChunkWriter {
        let prefix: String  // `data: {"id":…,"object":…,"created":…,"model":…,"choices":[{"index":0,"delta":`

        init(id: String, created: Int, model: String) {
            var p = "data: {\"id\":"
            FakeWire.appendJSONString(id, to: &p)
            p.append(",\"object\":\"chat.completion.chunk\",\"created\":\(created),\"model\":")
            FakeWire.appendJSONString(model, to: &p)
            p.append(",\"system_fingerprint\":\"fp_scripted\",\"choices\":[{\"index\":0,\"delta\":")
            self.prefix = p
        }

        /// `delta` is a JSON object text; `finishReason` nil means JSON null.
        func event(delta: String, finishReason: String? = nil) -> String {
            var out = prefix
            out.reserveCapacity(prefix.utf8.count + delta.utf8.count + 48)
            out.append(delta)
            out.append(",\"logprobs\":null,\"finish_reason\":")
            if let finishReason { FakeWire.appendJSONString(finishReason, to: &out) } else { out.append("null") }
            out.append("}]}\n\n")
            return out
        }

        func contentEvent(_ text: Substring) -> String {
            var delta = "{\"content\":"
            FakeWire.appendJSONString(text, to: &delta)
            delta.append("}")
            return event(delta: delta)
        }

        /// The final usage chunk: empty `choices`, `usage` set.
        func usageEvent(id: String, created: Int, model: String, usage: String) -> String {
            var out = "data: {\"id\":"
            FakeWire.appendJSONString(id, to: &out)
            out.append(",\"object\":\"chat.completion.chunk\",\"created\":\(created),\"model\":")
            FakeWire.appendJSONString(model, to: &out)
            out.append(",\"system_fingerprint\":\"fp_scripted\",\"choices\":[],\"usage\":")
            out.append(usage)
            out.append("}\n\n")
            return out
        }
    }

    /// One `delta.tool_calls` entry.
    static func toolCallDelta(
        index: Int, id: String?, name: String?, arguments: Substring?
    ) -> String {
        var out = "{\"index\":\(index)"
        if let id {
            out.append(",\"id\":")
            appendJSONString(id, to: &out)
            out.append(",\"type\":\"function\"")
        }
        if name != nil || arguments != nil {
            out.append(",\"function\":{")
            var first = true
            if let name {
                out.append("\"name\":")
                appendJSONString(name, to: &out)
                first = false
            }
            if let arguments {
                if !first { out.append(",") }
                out.append("\"arguments\":")
                appendJSONString(arguments, to: &out)
            }
            out.append("}")
        }
        out.append("}")
        return out
    }

    /// The `delta` objects (JSON text) carrying the tool calls in the requested shape.
    static func toolCallDeltas(_ calls: [(ScriptedToolCall, String)], shape: ToolCallShape) -> [String] {
        func wrap(_ entries: [String]) -> String {
            "{\"tool_calls\":[" + entries.joined(separator: ",") + "]}"
        }
        var deltas: [String] = []
        switch shape {
        case .fragments:
            for (index, (call, id)) in calls.enumerated() {
                deltas.append(wrap([toolCallDelta(index: index, id: id, name: call.name, arguments: "")]))
                for fragment in argumentFragments(call.arguments) where !fragment.isEmpty {
                    deltas.append(wrap([toolCallDelta(index: index, id: nil, name: nil, arguments: fragment)]))
                }
            }
        case .repeated:
            for (index, (call, id)) in calls.enumerated() {
                for fragment in argumentFragments(call.arguments) {
                    deltas.append(wrap([toolCallDelta(index: index, id: id, name: call.name, arguments: fragment)]))
                }
            }
        case .whole:
            for (index, (call, id)) in calls.enumerated() {
                deltas.append(wrap([toolCallDelta(index: index, id: id, name: call.name, arguments: call.arguments[...])]))
            }
        case .interleaved:
            for (index, (call, id)) in calls.enumerated() {
                deltas.append(wrap([toolCallDelta(index: index, id: id, name: call.name, arguments: "")]))
            }
            let fragments = calls.map { argumentFragments($0.0.arguments).filter { !$0.isEmpty } }
            let rounds = fragments.map(\.count).max() ?? 0
            for round in 0..<rounds {
                for (index, callFragments) in fragments.enumerated() where round < callFragments.count {
                    deltas.append(wrap([toolCallDelta(index: index, id: nil, name: nil, arguments: callFragments[round])]))
                }
            }
        }
        return deltas
    }
}
