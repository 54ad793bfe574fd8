import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// What one benchmark request is: a `POST` with a fixed body to one host, JSON or SSE.
struct RequestSpec: Sendable {
    var host: String
    var port: Int
    var path: String
    var headers: [(String, String)]
    var body: String
    var stream: Bool

    /// `http://host:port/path` → host, port and path; nil if it is not a plain-HTTP URL.
    static func parse(url: String, body: String, stream: Bool, headers: [(String, String)]) -> RequestSpec? {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host else {
            return nil
        }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return RequestSpec(host: host, port: components.port ?? 80, path: path, headers: headers, body: body, stream: stream)
    }
}

/// Timings of one completed request, in nanoseconds from its origin (its *scheduled* send time
/// in open-loop runs, so a late send counts against the server, not for it).
struct RequestTiming: Sendable {
    /// Until the response's last byte.
    var total: Int64
    /// Until the response head (status line and headers) was parsed.
    var firstByte: Int64
    /// Until the first SSE event whose `choices[0].delta` has content or a tool-call fragment
    /// (the first token, whichever it is); -1 for JSON.
    var firstDelta: Int64
}

enum RequestOutcome: Sendable {
    case ok(RequestTiming)
    case failed(String)
}

/// One request in flight on a connection.
struct InFlight {
    var origin: NIODeadline
    var stream: Bool
    var status: UInt = 0
    var keepAlive = true
    var headAt: NIODeadline?
    var deltaAt: NIODeadline?
    var body = ByteBuffer()
    /// Bytes of `body` already scanned for complete SSE lines.
    var scanned = 0
    var onHead: (() -> Void)?
    var completion: (InFlight, RequestOutcome) -> Void
}

/// A keep-alive HTTP/1.1 client connection that runs one request at a time and times it.
///
/// Confined to its event loop: every method runs there (asserted), which is why the type can
/// be handed to scheduled tasks as `@unchecked Sendable` without locks.
final class BenchConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    let eventLoop: any EventLoop
    private(set) var channel: (any Channel)?
    private var current: InFlight?
    /// Set once the connection is closed or must not be reused.
    private(set) var isClosed = false
    /// Called (on the loop) when the connection closes, idle or not.
    var onClose: ((BenchConnection) -> Void)?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    var isBusy: Bool { current != nil }

    /// Connects to `host:port` and installs the HTTP client handlers and `self`.
    static func connect(host: String, port: Int, on eventLoop: any EventLoop) -> EventLoopFuture<BenchConnection> {
        let connection = BenchConnection(eventLoop: eventLoop)
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(5))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(connection)
                }
            }
            .connect(host: host, port: port)
            .map { channel in
                connection.channel = channel
                return connection
            }
    }

    /// Sends `spec`; `completion` runs on the loop when the response ended or failed.
    func send(_ spec: RequestSpec, encodedBody: ByteBuffer, origin: NIODeadline, onHead: (() -> Void)? = nil,
              completion: @escaping (InFlight, RequestOutcome) -> Void) {
        eventLoop.preconditionInEventLoop()
        precondition(current == nil, "one request at a time per connection")
        guard let channel, !isClosed else {
            completion(InFlight(origin: origin, stream: spec.stream, completion: completion), .failed("connection closed"))
            return
        }
        current = InFlight(origin: origin, stream: spec.stream, onHead: onHead, completion: completion)
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: spec.path)
        head.headers.add(name: "Host", value: "\(spec.host):\(spec.port)")
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(encodedBody.readableBytes))
        for (name, value) in spec.headers { head.headers.add(name: name, value: value) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(encodedBody)), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    /// Fails the request in flight (if any) and closes the connection.
    func abort(_ reason: String) {
        eventLoop.preconditionInEventLoop()
        finish(.failed(reason))
        close()
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        channel?.close(promise: nil)
    }

    // MARK: - ChannelInboundHandler

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard current != nil else { return }  // a response nobody asked for: ignore
        switch part {
        case .head(let head):
            current!.status = head.status.code
            current!.keepAlive = head.isKeepAlive
            current!.headAt = .now()
            current!.onHead?()
        case .body(var buffer):
            current!.body.writeBuffer(&buffer)
            if current!.stream && current!.deltaAt == nil { scanForFirstDelta() }
        case .end:
            let now = NIODeadline.now()
            guard let inFlight = current else { return }
            let outcome = Self.judge(inFlight, endedAt: now)
            if !inFlight.keepAlive { isClosed = true }
            finish(outcome)
            if isClosed { context.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        finish(.failed("connection closed by server"))
        onClose?(self)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        isClosed = true
        finish(.failed("connection error: \(error)"))
        context.close(promise: nil)
    }

    // MARK: - Internals

    private func finish(_ outcome: RequestOutcome) {
        guard let inFlight = current else { return }
        current = nil
        inFlight.completion(inFlight, outcome)
    }

    /// Scans complete SSE lines not yet seen for the first non-empty content delta.
    private func scanForFirstDelta() {
        guard var inFlight = current else { return }
        current = nil  // avoid copy-on-write of the body while scanning
        defer { current = inFlight }
        let view = inFlight.body.readableBytesView
        var lineStart = view.startIndex + inFlight.scanned
        while let newline = view[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = view[lineStart..<newline]
            lineStart = newline + 1
            if Self.isContentDelta(line) {
                inFlight.deltaAt = .now()
                break
            }
        }
        inFlight.scanned = lineStart - view.startIndex
    }

    private static let dataPrefix = Array("data:".utf8)
    private static let contentKey = Array("\"content\"".utf8)
    private static let toolCallsKey = Array("\"tool_calls\"".utf8)

    /// True for `data: {…"choices":[{"delta":{"content":"<non-empty>"…` or a delta with
    /// `tool_calls` (a model's first token may be a tool call's).
    static func isContentDelta(_ line: some Collection<UInt8>) -> Bool {
        guard line.starts(with: dataPrefix) else { return false }
        let payload = Array(line.dropFirst(dataPrefix.count))
        // Cheap pre-filter: only events mentioning "content" or "tool_calls" are parsed.
        guard payload.firstRange(of: contentKey) != nil || payload.firstRange(of: toolCallsKey) != nil else { return false }
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
              let choices = object["choices"] as? [[String: Any]], let first = choices.first,
              let delta = first["delta"] as? [String: Any]
        else { return false }
        if let calls = delta["tool_calls"] as? [Any], !calls.isEmpty { return true }
        return !((delta["content"] as? String) ?? "").isEmpty
    }

    /// Whether the response is what a client would accept: 200, and for SSE a content delta and
    /// `[DONE]`, for JSON a message with non-empty content.
    static func judge(_ inFlight: InFlight, endedAt end: NIODeadline) -> RequestOutcome {
        guard inFlight.status == 200 else {
            let text = String(buffer: inFlight.body).prefix(160)
            return .failed("HTTP \(inFlight.status): \(text)")
        }
        let body = inFlight.body.readableBytesView
        if inFlight.stream {
            guard let deltaAt = inFlight.deltaAt else { return .failed("SSE without a content delta") }
            guard Array(body.suffix(64)).firstRange(of: Array("[DONE]".utf8)) != nil else {
                return .failed("SSE without [DONE]")
            }
            return .ok(RequestTiming(
                total: Int64(end.uptimeNanoseconds) - Int64(inFlight.origin.uptimeNanoseconds),
                firstByte: Int64((inFlight.headAt ?? end).uptimeNanoseconds) - Int64(inFlight.origin.uptimeNanoseconds),
                firstDelta: Int64(deltaAt.uptimeNanoseconds) - Int64(inFlight.origin.uptimeNanoseconds)))
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let choices = object["choices"] as? [[String: Any]], let message = choices.first?["message"] as? [String: Any],
              let content = message["content"] as? String, !content.isEmpty
        else { return .failed("JSON without message content") }
        return .ok(RequestTiming(
            total: Int64(end.uptimeNanoseconds) - Int64(inFlight.origin.uptimeNanoseconds),
            firstByte: Int64((inFlight.headAt ?? end).uptimeNanoseconds) - Int64(inFlight.origin.uptimeNanoseconds),
            firstDelta: -1))
    }
}
