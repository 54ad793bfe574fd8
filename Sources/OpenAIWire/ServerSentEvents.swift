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
///
/// Work is linear in the bytes fed: a partial line is never scanned twice. An event (or a line)
/// longer than `maxEventBytes` stops the decoder: `isOverflowed` turns true and nothing more is
/// decoded, so a hostile or broken upstream cannot make it hold or scan without bound.
public struct ServerSentEventDecoder: Sendable {
    public static let defaultMaxEventBytes = 8 * 1024 * 1024

    private var pending: [UInt8] = []
    /// How many leading bytes of `pending` are known to hold no `\n`.
    private var scanned = 0
    private var data: [UInt8] = []
    private var hasData = false
    private let maxEventBytes: Int
    /// An event or line went past `maxEventBytes`; the stream must be abandoned.
    public private(set) var isOverflowed = false

    public init(maxEventBytes: Int = defaultMaxEventBytes) {
        self.maxEventBytes = maxEventBytes
    }

    /// Feeds bytes and returns the data of every event they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        guard !isOverflowed else { return [] }
        pending.append(contentsOf: bytes)
        var events: [String] = []
        var lineStart = 0
        var searchFrom = scanned
        while let newline = pending[searchFrom...].firstIndex(of: 0x0A) {
            var lineEnd = newline
            if lineEnd > lineStart, pending[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            handleLine(pending[lineStart..<lineEnd], into: &events)
            if isOverflowed { return events }
            lineStart = newline + 1
            searchFrom = lineStart
        }
        pending.removeFirst(lineStart)
        scanned = pending.count
        if pending.count > maxEventBytes { overflow() }
        return events
    }

    private mutating func overflow() {
        isOverflowed = true
        pending = []
        data = []
        hasData = false
        scanned = 0
    }

    /// Ends the stream: a final event not followed by a blank line still counts.
    public mutating func finish() -> [String] {
        guard !isOverflowed else { return [] }
        var events: [String] = []
        if !pending.isEmpty {
            let line = pending[...]
            handleLine(line, into: &events)
            pending.removeAll()
            scanned = 0
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
        guard data.count + line.count <= maxEventBytes else { return overflow() }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        guard line[line.startIndex..<colon].elementsEqual("data".utf8) else { return }
        var valueStart = colon == line.endIndex ? colon : colon + 1
        if valueStart < line.endIndex, line[valueStart] == 0x20 { valueStart += 1 }
        if hasData { data.append(0x0A) }
        data.append(contentsOf: line[valueStart...])
        hasData = true
    }
}
