import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A scripted FAKE upstream LLM served over real loopback HTTP, for tests and benchmarks.
///
/// It speaks just enough of OpenAI's API (`POST /v1/chat/completions`, `GET /v1/models`) to
/// stand in for the upstream: every chat completion request consumes the next scripted
/// ``ScriptedReply`` (or gets `.echo` when the queue is empty) and is recorded.
///
/// Control endpoints for tests driving the `scripted-upstream` executable:
/// - `POST /_script` `{"replies":[…]}` appends replies to the queue;
/// - `POST /_reset` clears the queue and the recordings (and restores the initial chunk delay);
/// - `GET /_requests` → `{"requests":[{"path","authorization","body"}]}`;
/// - `POST /_config` `{"chunk_delay_ms":N,"record_requests":B,"repeat_script":B}` changes the
///   delay between streamed chunks and, for benchmarks, turns off recording (a benchmark sends
///   millions of requests: keeping every body would be a leak that distorts the figures) or
///   makes the script replay from its start once consumed instead of falling back to `.echo`;
/// - `GET /_timings` → `{"durations_us":[…]}`: how long the fake itself spent on each chat
///   completion since the previous call (request received → last byte written), oldest first,
///   then forgets them. A benchmark subtracts these to get the proxy's own share of a turn.
public final class ScriptedUpstream: Sendable {
    struct State {
        var queue: [ScriptedReply] = []
        var queueHead = 0
        var recorded: [RecordedRequest] = []
        var chunkDelay: Duration
        var completionCounter = 0
        /// `/v1/*` requests are recorded (bodies included) unless a benchmark turns this off.
        var recordRequests = true
        /// Once the script is consumed it starts over (benchmarks replaying one tool turn).
        var repeatScript = false
        /// Server-side durations of chat completions in microseconds, bounded by `maxTimings`.
        var timings: [Int64] = []
    }

    /// Durations kept for `GET /_timings` before the oldest are dropped.
    static let maxTimings = 100_000

    let initialChunkDelay: Duration
    let state: Mutex<State>

    /// - Parameters:
    ///   - script: replies consumed one per chat completion request, in order.
    ///   - chunkDelay: pause before each streamed chunk after the role chunk.
    public init(script: [ScriptedReply] = [], chunkDelay: Duration = .zero) {
        self.initialChunkDelay = chunkDelay
        self.state = Mutex(State(queue: script, chunkDelay: chunkDelay))
    }

    /// Appends replies to the script.
    public func enqueue(_ replies: [ScriptedReply]) {
        state.withLock { $0.queue.append(contentsOf: replies) }
    }

    /// Every `/v1/*` request received so far, oldest first.
    public var recordedRequests: [RecordedRequest] {
        state.withLock { $0.recorded }
    }

    /// How many `/v1/*` requests were received.
    public var requestCount: Int {
        state.withLock { $0.recorded.count }
    }

    /// Clears the queue, the recordings and the timings, restores the initial chunk delay,
    /// and turns recording back on and script repetition off.
    public func reset() {
        state.withLock {
            $0.queue.removeAll(keepingCapacity: true)
            $0.queueHead = 0
            $0.recorded.removeAll(keepingCapacity: true)
            $0.chunkDelay = initialChunkDelay
            $0.recordRequests = true
            $0.repeatScript = false
            $0.timings.removeAll(keepingCapacity: true)
        }
    }

    /// Benchmark switches: `record` false stops recording requests; `repeatScript` true makes
    /// the script start over once consumed (nil leaves a setting as it is).
    public func configure(recordRequests record: Bool? = nil, repeatScript: Bool? = nil) {
        state.withLock {
            if let record { $0.recordRequests = record }
            if let repeatScript { $0.repeatScript = repeatScript }
        }
    }

    /// Notes how long the fake spent on one chat completion.
    func recordTiming(_ duration: Duration) {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        state.withLock {
            if $0.timings.count >= Self.maxTimings { $0.timings.removeFirst($0.timings.count / 2) }
            $0.timings.append(micros)
        }
    }

    /// The durations noted since the last call, oldest first; forgets them.
    public func takeTimings() -> [Int64] {
        state.withLock { state in
            defer { state.timings.removeAll(keepingCapacity: true) }
            return state.timings
        }
    }

    /// Changes the delay before each streamed chunk.
    public func setChunkDelay(_ delay: Duration) {
        state.withLock { $0.chunkDelay = delay }
    }

    /// Records the request, then takes the next reply (`.echo` when the queue is empty).
    func record(_ request: @autoclosure () -> RecordedRequest, takeReply: Bool) -> (reply: ScriptedReply, delay: Duration, serial: Int) {
        state.withLock { state in
            if state.recordRequests { state.recorded.append(request()) }
            state.completionCounter += 1
            var reply = ScriptedReply.echo
            if takeReply, state.queueHead < state.queue.count {
                reply = state.queue[state.queueHead]
                state.queueHead += 1
                if state.queueHead == state.queue.count {
                    if !state.repeatScript { state.queue.removeAll(keepingCapacity: true) }
                    state.queueHead = 0
                }
            }
            return (reply, state.chunkDelay, state.completionCounter)
        }
    }

    /// Runs the fake on 127.0.0.1 (port 0 = any free port) for the duration of `body`.
    ///
    /// Structured: the server runs in a child task and is shut down gracefully (then cancelled
    /// if it does not stop within two seconds) when `body` returns or throws. Hanging replies
    /// are released at shutdown.
    public func run<T: Sendable>(
        port: Int = 0,
        _ body: @Sendable (_ baseURL: String) async throws -> T
    ) async throws -> T {
        try await run(host: "127.0.0.1", port: port) { _, baseURL in try await body(baseURL) }
    }

    /// Runs the fake on `host:port` for the duration of `body`, which receives the bound port
    /// and the base URL (`http://host:port/v1`). `logLevel` is a swift-log level name
    /// (default "warning": nothing is logged per request).
    public func run<T: Sendable>(
        host: String,
        port: Int = 0,
        logLevel: String = "warning",
        _ body: @Sendable (_ boundPort: Int, _ baseURL: String) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "scripted-upstream")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        let lifetime = FakeLifetime()
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: ScriptedUpstreamResponder(upstream: self, lifetime: lifetime),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? -1)
                portContinuation.finish()
            },
            logger: logger
        )
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: logger))

        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask {
                defer { portContinuation.finish() }
                try await serviceGroup.run()
            }
            func stop() async {
                lifetime.stop()
                await serviceGroup.triggerGracefulShutdown()
                group.addTask { try? await Task.sleep(for: .seconds(2)) }
                _ = try? await group.next()
                group.cancelAll()
                while (try? await group.next()) != nil {}
            }
            var ports = portStream.makeAsyncIterator()
            guard let boundPort = await ports.next(), boundPort > 0 else {
                // The server stopped before it was running (e.g. the port is taken): surface its error.
                try await group.next()
                await stop()
                throw ScriptedUpstreamError.didNotStart
            }
            let hostInURL = host.contains(":") ? "[\(host)]" : host
            do {
                let result = try await body(boundPort, "http://\(hostInURL):\(boundPort)/v1")
                await stop()
                return result
            } catch {
                await stop()
                throw error
            }
        }
    }
}

public enum ScriptedUpstreamError: Error {
    case didNotStart
}

/// Set when a `run` ends, so that hanging replies let go.
final class FakeLifetime: Sendable {
    private let stopped = Atomic<Bool>(false)
    var isStopped: Bool { stopped.load(ordering: .acquiring) }
    func stop() { stopped.store(true, ordering: .releasing) }
}
