import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scripted HTTP/1.1 server on 127.0.0.1 (an ephemeral port), over plain POSIX sockets and
/// one thread per connection: enough for tests, and independent of any server framework.
///
/// Each request is answered by `script(request, index)`, `index` counting requests across all
/// connections from 0. Responses are sequences of steps (bytes, sleeps, gates, an abrupt close,
/// holding the connection open), so tests can stage slow heads, streams, hangs and drops.
/// Connections are kept alive between requests, and the server counts what a test asserts on.
final class LoopbackHTTPServer: Sendable {
    /// One request as the server read it.
    struct Request: Sendable {
        var method: String
        var path: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// What the server does on the connection, in order.
    enum Step: Sendable {
        case write([UInt8])
        case sleep(Duration)
        /// Block until the test opens the gate (or 5 s pass, which the server records).
        case wait(TestGate)
        /// Close the socket now, whatever was promised (a drop mid-response).
        case close
        /// Send nothing more; keep the connection until the client closes it.
        case hold
    }

    /// A scripted answer to one request.
    struct Response: Sendable {
        var steps: [Step]

        /// A complete response with `Content-Length`.
        static func full(status: Int, headers: [(String, String)] = [], body: String = "") -> Response {
            let bytes = Array(body.utf8)
            let head = Self.head(status: status, headers: headers + [("Content-Length", "\(bytes.count)")])
            return Response(steps: [.write(head + bytes)])
        }

        /// A JSON response with `Content-Length`.
        static func json(status: Int = 200, headers: [(String, String)] = [], _ body: String) -> Response {
            full(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
        }

        /// Reads the request and never answers.
        static let hang = Response(steps: [.hold])

        /// Closes the connection without a byte of response.
        static let closeImmediately = Response(steps: [.close])

        /// A chunked response head; follow it with `chunk`, `sleep`, `wait`, then `end`,
        /// `close` (a drop mid-stream) or `hold`.
        static func chunkedHead(status: Int = 200, headers: [(String, String)] = [("Content-Type", "text/event-stream")]) -> Step {
            .write(head(status: status, headers: headers + [("Transfer-Encoding", "chunked")]))
        }

        static func chunk(_ text: String) -> Step { chunk(Array(text.utf8)) }

        static func chunk(_ bytes: [UInt8]) -> Step {
            .write(Array(String(bytes.count, radix: 16).utf8) + [13, 10] + bytes + [13, 10])
        }

        /// The terminating zero-length chunk: a clean end of a chunked body.
        static let end = Step.write(Array("0\r\n\r\n".utf8))

        static func head(status: Int, headers: [(String, String)]) -> [UInt8] {
            var text = "HTTP/1.1 \(status) Scripted\r\n"
            for (name, value) in headers { text += "\(name): \(value)\r\n" }
            return Array((text + "\r\n").utf8)
        }
    }

    let port: Int
    private let engine: Engine

    init(script: @escaping @Sendable (Request, Int) -> Response) throws {
        engine = try Engine(script: script)
        port = engine.port
    }

    /// The threads hold the engine, not this wrapper, so dropping the server stops them.
    deinit {
        engine.stop()
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    var requests: [Request] { engine.stats.withLock { $0.requests } }
    var requestCount: Int { engine.stats.withLock { $0.requests.count } }
    var acceptedConnections: Int { engine.stats.withLock { $0.acceptedConnections } }
    var clientClosures: Int { engine.stats.withLock { $0.clientClosures } }
    var gateTimeouts: Int { engine.stats.withLock { $0.gateTimeouts } }

    /// Closes the listener and every connection; blocked connection threads wake and exit.
    func stop() { engine.stop() }

    /// Polls `condition` until it holds or `timeout` passes (for effects on the server's threads).
    func eventually(within timeout: Duration = .seconds(5), _ condition: @Sendable (LoopbackHTTPServer) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(self)
    }

    /// A port on 127.0.0.1 that nothing listens on (bound, read, closed): connecting is refused.
    static func refusedBaseURL() throws -> String {
        let (socket, port) = try Engine.makeListener(backlog: 0)
        close(socket)
        return "http://127.0.0.1:\(port)/v1"
    }

    struct SocketError: Error { let call: String; let code: Int32 }

    /// The sockets and threads; they retain this, never the server object the tests hold.
    private final class Engine: Sendable {
        struct Stats {
            var requests: [Request] = []
            var acceptedConnections = 0
            /// Connections the client closed while the server was holding them open or sending.
            var clientClosures = 0
            var gateTimeouts = 0
            var openSockets: Set<Int32> = []
            var isStopped = false
        }

        let port: Int
        private let listener: Int32
        private let script: @Sendable (Request, Int) -> Response
        let stats = Mutex(Stats())

        init(script: @escaping @Sendable (Request, Int) -> Response) throws {
            self.script = script
            (listener, port) = try Self.makeListener()
            let thread = Thread { [self] in acceptLoop() }
            thread.start()
        }

        func stop() {
            stats.withLock { stats in
                guard !stats.isStopped else { return }
                stats.isStopped = true
                _ = shutdown(listener, Int32(SHUT_RDWR))
                for socket in stats.openSockets { _ = shutdown(socket, Int32(SHUT_RDWR)) }
            }
        }

        // MARK: - Sockets

        static func makeListener(backlog: Int32 = 128) throws -> (Int32, Int) {
            #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard fd >= 0 else { throw SocketError(call: "socket", code: errno) }
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { close(fd); throw SocketError(call: "bind", code: errno) }
            guard listen(fd, backlog) == 0 else { close(fd); throw SocketError(call: "listen", code: errno) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            return (fd, Int(UInt16(bigEndian: address.sin_port)))
        }

        private func acceptLoop() {
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR { continue }
                    break
                }
                let accepted = stats.withLock { stats in
                    guard !stats.isStopped else { return false }
                    stats.acceptedConnections += 1
                    stats.openSockets.insert(connection)
                    return true
                }
                guard accepted else { close(connection); break }
                let thread = Thread { [self] in serve(connection) }
                thread.start()
            }
            close(listener)
        }

        private func serve(_ socket: Int32) {
            var buffer: [UInt8] = []
            connection: while true {
                guard let request = readRequest(socket, buffer: &buffer) else { break }
                let index = stats.withLock { stats in
                    stats.requests.append(request)
                    return stats.requests.count - 1
                }
                for step in script(request, index).steps {
                    switch step {
                    case .write(let bytes):
                        if !write(socket, bytes) {
                            stats.withLock { $0.clientClosures += 1 }
                            break connection
                        }
                    case .sleep(let duration):
                        usleep(UInt32(duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000))
                    case .wait(let gate):
                        if !gate.wait(timeout: .seconds(5)) { stats.withLock { $0.gateTimeouts += 1 } }
                    case .close:
                        break connection
                    case .hold:
                        // Anything but more request bytes ends the hold: the client closed (or stop()).
                        var scratch = [UInt8](repeating: 0, count: 4096)
                        while recv(socket, &scratch, scratch.count, 0) > 0 {}
                        stats.withLock { $0.clientClosures += 1 }
                        break connection
                    }
                }
            }
            stats.withLock { _ = $0.openSockets.remove(socket) }
            close(socket)
        }

        #if canImport(Glibc)
        private static let noSignal = Int32(MSG_NOSIGNAL)
        #else
        private static let noSignal: Int32 = 0  // Darwin: a per-socket SO_NOSIGPIPE would be needed
        #endif

        private func write(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                // MSG_NOSIGNAL: a client that went away must not SIGPIPE the test process.
                let sent = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Self.noSignal) }
                if sent <= 0 {
                    if sent < 0 && errno == EINTR { continue }
                    return false
                }
                offset += sent
            }
            return true
        }

        /// Reads one request (head, then a `Content-Length` body); nil when the client closed.
        private func readRequest(_ socket: Int32, buffer: inout [UInt8]) -> Request? {
            let separator: [UInt8] = [13, 10, 13, 10]
            var scratch = [UInt8](repeating: 0, count: 16 * 1024)
            func fill() -> Bool {
                let count = recv(socket, &scratch, scratch.count, 0)
                guard count > 0 else { return false }
                buffer += scratch[..<count]
                return true
            }
            var headEnd: Int?
            while headEnd == nil {
                headEnd = buffer.firstRange(of: separator)?.lowerBound
                if headEnd == nil && !fill() { return nil }
            }
            let headText = String(decoding: buffer[..<headEnd!], as: UTF8.self)
            var lines = headText.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ")
            let headers = lines.compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
            let bodyStart = headEnd! + separator.count
            while buffer.count < bodyStart + length {
                if !fill() { return nil }
            }
            let body = Array(buffer[bodyStart..<(bodyStart + length)])
            buffer.removeFirst(bodyStart + length)
            return Request(
                method: requestLine.first.map(String.init) ?? "",
                path: requestLine.count > 1 ? String(requestLine[1]) : "",
                headers: headers,
                body: body
            )
        }
    }
}

/// A one-shot signal from a test to the server's thread ("now send the next chunk").
final class TestGate: @unchecked Sendable {
    // DispatchSemaphore is thread-safe; it is just not annotated Sendable on every platform.
    private let semaphore = DispatchSemaphore(value: 0)

    func open() { semaphore.signal() }

    func wait(timeout: Duration) -> Bool {
        semaphore.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000))) == .success
    }
}
