/// Assembles the final response head from the lines curl's header callback delivers (one whole
/// line per call, CRLF included).
///
/// Interim heads (`100 Continue`, `103 Early Hints`) are skipped: the head is complete at the blank
/// line after a status of 200 or more. Lines after that (chunked trailers) are ignored.
struct ResponseHeadParser: Sendable {
    private var status: Int?
    private var headers: [(name: String, value: String)] = []
    private(set) var isComplete = false

    /// Feeds one header line; returns the head when this line completed it.
    mutating func feed(_ rawLine: some Collection<UInt8>) -> CurlTransfer.Head? {
        guard !isComplete else { return nil }
        var line = Array(rawLine)
        while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            line.removeLast()
        }
        if line.isEmpty {
            guard let status else { return nil }
            if status >= 200 {
                isComplete = true
                return CurlTransfer.Head(status: status, headers: headers)
            }
            self.status = nil
            headers = []
            return nil
        }
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            // "HTTP/1.1 200 OK" or "HTTP/2 200": the status is the second token.
            let tokens = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            status = tokens.count >= 2 ? Int(tokens[1]) : nil
            headers = []
        } else if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon].trimmingSpaces
            let value = text[text.index(after: colon)...].trimmingSpaces
            headers.append((name: name, value: value))
        }
        return nil
    }
}
