import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `frontdesk-bench tool-turn`: streamed turns through FrontDesk in which the scripted fake
/// first calls `find_available_slots`, then answers in text. FrontDesk's own share of a turn is
/// its total time at the client minus the time the fake itself spent on the two upstream
/// requests of that turn (from the fake's `/_timings`; turns run one at a time, so the
/// pairing is exact). The share therefore holds everything but the model: HTTP in and out,
/// prompt assembly, both upstream round trips over loopback, SSE parsing, the tool itself.
///
/// Then what the caller hears first on a tool turn: the fake streams the tool call in
/// fragments with a pause before each, and turns alternate between the fake directly (its time
/// to the first tool-call fragment: the model's first token) and FrontDesk (its time to the
/// first spoken byte, the persona's filler).
struct ToolTurnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tool-turn",
        abstract: "FrontDesk's own share of a turn with one find_available_slots round."
    )

    @Option(help: "FrontDesk's http://host:port/v1/chat/completions.")
    var url: String

    @Option(name: .customLong("upstream-control"), help: "The scripted fake's http://host:port (control endpoints).")
    var upstreamControl: String

    @Option(help: "Recorded turns (after 20 unrecorded ones).")
    var turns: Int = 500

    @Option(name: .customLong("upstream-url"), help: "The scripted fake's http://host:port/v1/chat/completions (for the first-spoken-byte run).")
    var upstreamURL: String?

    @Option(name: .customLong("spoken-turns"), help: "Turns of the first-spoken-byte run, each way (0: skip it).")
    var spokenTurns: Int = 200

    @Option(name: .customLong("chunk-delay-ms"), help: "The fake's pause before each chunk in the first-spoken-byte run.")
    var chunkDelayMs: Int = 20

    @Option(name: .customLong("header"), help: "Extra request header \"Name: value\" (repeatable).")
    var headers: [String] = []

    @Option(help: "Write the results here as JSON.")
    var out: String

    struct Output: Codable {
        var turns: Int
        var errors: [String: Int]
        var total: Percentiles?
        var firstDelta: Percentiles?
        var upstream: Percentiles?
        var frontdeskShare: Percentiles?
        var toolArguments: String
        /// The first-spoken-byte run (nil when skipped).
        var spoken: Spoken?
    }

    struct Spoken: Codable {
        var turns: Int
        var chunkDelayMs: Int
        var errors: [String: Int]
        /// The fake directly: until the first tool-call fragment.
        var upstreamFirstToken: Percentiles?
        /// Through FrontDesk: until the first spoken byte.
        var firstSpokenByte: Percentiles?
    }

    static let toolArguments =
        #"{"service_id":"cleaning","provider_id":null,"location_id":null,"from_date":null,"to_date":null,"time_of_day":"morning","limit":3}"#

    func run() async throws {
        let control = FakeControl(baseURL: upstreamControl)
        let toolCall = "{\"type\":\"tool_calls\",\"calls\":[{\"name\":\"find_available_slots\",\"arguments\":\(jsonString(Self.toolArguments))}]}"
        let text = #"{"type":"text","text":"I have Tuesday at nine or Wednesday at ten thirty in the morning. Which would you like?"}"#
        try await control.post("/_reset", "{}")
        try await control.post("/_config", #"{"record_requests":false,"repeat_script":true}"#)
        try await control.post("/_script", "{\"replies\":[\(toolCall),\(text)]}")

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        guard let spec = RequestSpec.parse(url: url, body: "{}", stream: true, headers: try headers.map(parseHeader)) else {
            throw ValidationError("not an http:// URL: \(url)")
        }
        let pool = ConnectionPool(spec: spec, maxConnections: 1, eventLoop: loop)
        try await pool.warm(to: 1).get()

        var totals: [Int64] = [], deltas: [Int64] = [], upstream: [Int64] = [], shares: [Int64] = []
        var errors: [String: Int] = [:]
        _ = try await control.takeTimings()
        for turn in 0..<(20 + turns) {
            // A new conversation each turn, as from a new call: no state carries over between turns.
            let body = "{\"model\":\"scripted-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + jsonString("Do you have a cleaning some morning soon? (benchmark call \(turn))") + "}]}"
            let promise = loop.makePromise(of: RequestOutcome.self)
            loop.execute {
                pool.submit(origin: .now(), body: ByteBuffer(string: body)) { promise.succeed($0) }
            }
            let outcome = try await promise.futureResult.get()
            var fake = try await control.takeTimings()
            var waited = 0
            while fake.count < 2 && waited < 20 {  // the fake notes its time just after its last write
                try await Task.sleep(for: .milliseconds(5))
                fake += try await control.takeTimings()
                waited += 1
            }
            guard turn >= 20 else { continue }
            switch outcome {
            case .failed(let reason):
                errors[reason, default: 0] += 1
            case .ok(let timing):
                guard fake.count == 2 else {
                    errors["turn made \(fake.count) upstream requests, expected 2", default: 0] += 1
                    continue
                }
                let spent = fake.reduce(0, +)
                totals.append(timing.total)
                deltas.append(timing.firstDelta)
                upstream.append(spent)
                shares.append(timing.total - spent)
            }
        }
        try await pool.shutdown().get()
        var spoken: Spoken?
        if let upstreamURL, spokenTurns > 0 {
            // A short answer after the tool: only the first spoken byte is measured here.
            spoken = try await measureSpoken(
                control: control, upstreamURL: upstreamURL, text: #"{"type":"text","text":"Tuesday at nine?"}"#, loop: loop)
        }
        try await control.post("/_reset", "{}")
        let output = Output(
            turns: totals.count, errors: errors, total: Percentiles(nanoseconds: totals),
            firstDelta: Percentiles(nanoseconds: deltas), upstream: Percentiles(nanoseconds: upstream),
            frontdeskShare: Percentiles(nanoseconds: shares), toolArguments: Self.toolArguments, spoken: spoken)
        log("tool turn: share p50 \(fmt(output.frontdeskShare?.p50)) ms, p99 \(fmt(output.frontdeskShare?.p99)) ms; \(errors.values.reduce(0, +)) errors")
        if let spoken {
            log("tool turn: first spoken byte p50 \(fmt(spoken.firstSpokenByte?.p50)) ms vs the model's first token \(fmt(spoken.upstreamFirstToken?.p50)) ms")
        }
        try await group.shutdownGracefully()
        try writeJSON(output, to: out)
    }

    /// Alternates turns to the fake and through FrontDesk, the tool call streamed in fragments.
    private func measureSpoken(control: FakeControl, upstreamURL: String, text: String, loop: any EventLoop) async throws -> Spoken {
        let fragments = "{\"type\":\"tool_calls\",\"shape\":\"fragments\",\"calls\":[{\"name\":\"find_available_slots\",\"arguments\":\(jsonString(Self.toolArguments))}]}"
        try await control.post("/_reset", "{}")
        try await control.post("/_config", "{\"record_requests\":false,\"repeat_script\":true,\"chunk_delay_ms\":\(chunkDelayMs)}")
        let parsedHeaders = try headers.map(parseHeader)
        guard let viaSpec = RequestSpec.parse(url: url, body: "{}", stream: true, headers: parsedHeaders),
              let directSpec = RequestSpec.parse(url: upstreamURL, body: "{}", stream: true, headers: parsedHeaders)
        else { throw ValidationError("not an http:// URL: \(url) or \(upstreamURL)") }
        let via = ConnectionPool(spec: viaSpec, maxConnections: 1, eventLoop: loop)
        let direct = ConnectionPool(spec: directSpec, maxConnections: 1, eventLoop: loop)
        try await via.warm(to: 1).get()
        try await direct.warm(to: 1).get()
        var first: [Int64] = [], spokenFirst: [Int64] = []
        var errors: [String: Int] = [:]
        for turn in 0..<(5 + spokenTurns) {
            for (pool, isDirect) in [(direct, true), (via, false)] {
                // The fake answers a tool call, then the text: through FrontDesk one turn takes
                // both replies; directly, the second request takes the text so the next turn
                // starts at the tool call again.
                try await control.post("/_script", "{\"replies\":[\(fragments),\(text)]}")
                let body = "{\"model\":\"scripted-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                    + jsonString("Any cleaning some morning soon? (first-word call \(turn))") + "}]}"
                let promise = loop.makePromise(of: RequestOutcome.self)
                loop.execute { pool.submit(origin: .now(), body: ByteBuffer(string: body)) { promise.succeed($0) } }
                let outcome = try await promise.futureResult.get()
                guard turn >= 5 else { continue }
                switch outcome {
                case .failed(let reason): errors[(isDirect ? "direct: " : "frontdesk: ") + reason, default: 0] += 1
                case .ok(let timing): if isDirect { first.append(timing.firstDelta) } else { spokenFirst.append(timing.firstDelta) }
                }
            }
        }
        try await via.shutdown().get()
        try await direct.shutdown().get()
        return Spoken(
            turns: min(first.count, spokenFirst.count), chunkDelayMs: chunkDelayMs, errors: errors,
            upstreamFirstToken: Percentiles(nanoseconds: first), firstSpokenByte: Percentiles(nanoseconds: spokenFirst))
    }
}
