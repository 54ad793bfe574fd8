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
        try await control.post("/_reset", "{}")
        let output = Output(
            turns: totals.count, errors: errors, total: Percentiles(nanoseconds: totals),
            firstDelta: Percentiles(nanoseconds: deltas), upstream: Percentiles(nanoseconds: upstream),
            frontdeskShare: Percentiles(nanoseconds: shares), toolArguments: Self.toolArguments)
        log("tool turn: share p50 \(fmt(output.frontdeskShare?.p50)) ms, p99 \(fmt(output.frontdeskShare?.p99)) ms; \(errors.values.reduce(0, +)) errors")
        try await group.shutdownGracefully()
        try writeJSON(output, to: out)
    }
}
