/// Encodes the `data:` events of an OpenAI stream.
public enum ServerSentEvent {
    public static let done: [UInt8] = Array("data: [DONE]\n\n".utf8)

    public static func data(_ json: JSONValue) -> [UInt8] {
        var output: [UInt8] = Array("data: ".utf8)
        output.reserveCapacity(256)
        json.write(to: &output)
        output.append(contentsOf: [0x0A, 0x0A])
        return output
    }
}

/// Incremental decoder of a `text/event-stream` body into the `data` of each event.
///
/// Bytes arrive in arbitrary pieces (a TCP read may end mid-line or mid-UTF-8 sequence), so
/// lines are cut only at `\n`. Per the SSE spec multiple `data:` lines join with `\n`,
/// `\r\n` is accepted, comments (`:`) and other fields are ignored, and a blank line ends an event.
public struct ServerSentEventDecoder: Sendable {
    private var pending: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false

    public init() {}

    /// Feeds bytes and returns the data of every event they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        pending.append(contentsOf: bytes)
        var events: [String] = []
        var lineStart = 0
        while let newline = pending[lineStart...].firstIndex(of: 0x0A) {
            var lineEnd = newline
            if lineEnd > lineStart, pending[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            handleLine(pending[lineStart..<lineEnd], into: &events)
            lineStart = newline + 1
        }
        pending.removeFirst(lineStart)
        return events
    }

    /// Ends the stream: a final event not followed by a blank line still counts.
    public mutating func finish() -> [String] {
        var events: [String] = []
        if !pending.isEmpty {
            let line = pending[...]
            handleLine(line, into: &events)
            pending.removeAll()
        }
        if hasData { events.append(String(decoding: data, as: UTF8.self)) }
        data.removeAll()
        hasData = false
        return events
    }

    private mutating func handleLine(_ line: ArraySlice<UInt8>, into events: inout [String]) {
        if line.isEmpty {
            if hasData { events.append(String(decoding: data, as: UTF8.self)) }
            data.removeAll(keepingCapacity: true)
            hasData = false
            return
        }
        if line.first == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        guard line[line.startIndex..<colon].elementsEqual("data".utf8) else { return }
        var valueStart = colon == line.endIndex ? colon : colon + 1
        if valueStart < line.endIndex, line[valueStart] == 0x20 { valueStart += 1 }
        if hasData { data.append(0x0A) }
        data.append(contentsOf: line[valueStart...])
        hasData = true
    }
}
