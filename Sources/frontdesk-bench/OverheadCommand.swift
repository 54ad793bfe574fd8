import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `frontdesk-bench overhead`: the same chat completion sent to several targets (the upstream
/// alone, FrontDesk in front of it, LiteLLM in front of it), JSON and SSE, at fixed open-loop
/// rates and at concurrency 1. Targets and modes are interleaved in short windows so machine
/// noise hits them alike; each (step, target, mode) merges its windows.
struct OverheadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overhead",
        abstract: "Latency of chat completions through each target, JSON and SSE, at fixed rates and at concurrency 1."
    )

    @Option(name: .customLong("target"), help: "name=http://host:port/v1/chat/completions; the first is the baseline (direct).")
    var targets: [String]

    @Option(help: "Comma-separated open-loop rates in requests per second.")
    var rates: String = "100,500,1000"

    @Option(name: .customLong("window-seconds"), help: "Length of one measurement window.")
    var windowSeconds: Double = 2

    @Option(help: "Windows per (step, target, mode); their order rotates each round.")
    var rounds: Int = 2

    @Option(name: .customLong("serial-seconds"), help: "Length of one concurrency-1 window (0: no concurrency-1 step).")
    var serialSeconds: Double = 2

    @Option(name: .customLong("warmup-seconds"), help: "Unrecorded warm-up per target and mode at 50 req/s.")
    var warmupSeconds: Double = 1

    @Option(name: .customLong("drain-seconds"), help: "After a window, how long requests may still take before they count as errors.")
    var drainSeconds: Double = 5

    /// The same cap for every target. It also bounds the backlog a target that cannot keep up
    /// (LiteLLM at 1,000 req/s) still works through after its window, which would otherwise
    /// steal the CPU from the next target's window.
    @Option(name: .customLong("max-connections"), help: "Most keep-alive connections per target and mode (requests beyond wait in the client, their wait counted).")
    var maxConnections: Int = 64

    @Option(name: .customLong("quiet-pid"), help: "Before each window, wait (up to 15 s) until these processes use < 10% CPU (repeatable).")
    var quietPIDs: [Int32] = []

    @Option(name: .customLong("saturation-seconds"), help: "Closed-loop max-throughput run against each target (0: skip).")
    var saturationSeconds: Double = 2

    @Option(name: .customLong("saturation-concurrency"), help: "Requests in flight in the max-throughput run.")
    var saturationConcurrency: Int = 32

    @Option(name: .customLong("header"), help: "Extra request header \"Name: value\" (repeatable), sent to every target.")
    var headers: [String] = []

    @Option(help: "The user message sent.")
    var message: String = "Hi, I would like to book a cleaning next week, please."

    @Option(help: "The model named in the request.")
    var model: String = "scripted-model"

    @Option(help: "Write the results here as JSON.")
    var out: String

    struct Target {
        var name: String
        var url: String
    }

    struct Cell: Codable {
        var step: String
        var rate: Double?
        var target: String
        var mode: String
        var total: Percentiles?
        var firstByte: Percentiles?
        var firstDelta: Percentiles?
        var completed: Int
        var errors: [String: Int]
        /// Completed requests per second of measured time.
        var achievedRate: Double
    }

    struct Saturation: Codable {
        var target: String
        var mode: String
        var concurrency: Int
        var requestsPerSecond: Double
        var errors: Int
    }

    struct Output: Codable {
        var loadGenerator: String
        var windowSeconds: Double
        var rounds: Int
        var serialSeconds: Double
        var saturation: [Saturation]
        var cells: [Cell]
        var connectFailures: [String: Int]
    }

    func run() async throws {
        let parsedTargets = try targets.map { text -> Target in
            guard let eq = text.firstIndex(of: "=") else { throw ValidationError("--target wants name=url, got \(text)") }
            return Target(name: String(text[..<eq]), url: String(text[text.index(after: eq)...]))
        }
        guard !parsedTargets.isEmpty else { throw ValidationError("at least one --target") }
        let headerPairs = try headers.map(parseHeader)
        let rateList = rates.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()

        func body(stream: Bool) -> String {
            var text = "{\"model\":"
            text += jsonString(model)
            text += ",\"messages\":[{\"role\":\"user\",\"content\":" + jsonString(message) + "}]"
            text += stream ? ",\"stream\":true}" : ",\"stream\":false}"
            return text
        }
        let modes: [(name: String, stream: Bool)] = [("json", false), ("sse", true)]
        var pools: [String: ConnectionPool] = [:]
        for target in parsedTargets {
            for mode in modes {
                guard let spec = RequestSpec.parse(url: target.url, body: body(stream: mode.stream), stream: mode.stream, headers: headerPairs)
                else { throw ValidationError("not an http:// URL: \(target.url)") }
                pools["\(target.name)/\(mode.name)"] = ConnectionPool(spec: spec, maxConnections: maxConnections, eventLoop: loop)
            }
        }
        func window(_ key: String, _ pacing: Pacing, seconds: Double) async throws -> WindowResult {
            let pool = pools[key]!
            await waitUntilQuiet(quietPIDs)
            try await pool.warm(to: 8).get()
            let run = LoadRun(pool: pool, pacing: pacing, duration: .nanoseconds(Int64(seconds * 1e9)),
                              drain: .nanoseconds(Int64(drainSeconds * 1e9)))
            return try await run.run().get()
        }

        // Warm-up: connections, caches, and LiteLLM's first-request costs, unrecorded.
        log("warm-up: \(warmupSeconds) s per target and mode")
        for target in parsedTargets {
            for mode in modes where warmupSeconds > 0 {
                let warm = try await window("\(target.name)/\(mode.name)", .rate(50), seconds: warmupSeconds)
                if warm.errorCount > 0 { log("  warm-up \(target.name)/\(mode.name): \(warm.errors)") }
            }
        }

        // Max throughput of each target: the baseline's must be far above the rates used.
        var saturation: [Saturation] = []
        for target in parsedTargets where saturationSeconds > 0 {
            for mode in modes {
                let key = "\(target.name)/\(mode.name)"
                try await pools[key]!.warm(to: saturationConcurrency).get()
                let result = try await window(key, .closed(concurrency: saturationConcurrency), seconds: saturationSeconds)
                let rps = Double(result.timings.count) / max(1e-9, Double(result.elapsed) / 1e9)
                saturation.append(Saturation(target: target.name, mode: mode.name, concurrency: saturationConcurrency,
                                             requestsPerSecond: rps, errors: result.errorCount))
                log("max throughput \(key): \(Int(rps)) req/s (\(result.errorCount) errors)")
            }
        }

        var steps: [(name: String, rate: Double?, pacing: Pacing, seconds: Double)] =
            rateList.map { ("\(Int($0))/s", $0, .rate($0), windowSeconds) }
        if serialSeconds > 0 { steps.append(("concurrency 1", nil, .closed(concurrency: 1), serialSeconds)) }

        var merged: [String: WindowResult] = [:]
        var measured: [String: Double] = [:]
        for (stepIndex, step) in steps.enumerated() {
            for round in 0..<max(1, rounds) {
                let shift = (round + stepIndex) % parsedTargets.count
                let order = Array(parsedTargets[shift...] + parsedTargets[..<shift])
                let modeOrder = round % 2 == 0 ? modes : modes.reversed()
                for target in order {
                    for mode in modeOrder {
                        let key = "\(target.name)/\(mode.name)"
                        let result = try await window(key, step.pacing, seconds: step.seconds)
                        merged["\(step.name)|\(key)", default: WindowResult()].merge(result)
                        measured["\(step.name)|\(key)", default: 0] += Double(result.elapsed) / 1e9
                        let p50 = Percentiles(nanoseconds: result.timings.map(\.total))?.p50 ?? .nan
                        log("\(step.name) round \(round + 1) \(key): \(result.timings.count) ok, \(result.errorCount) errors, p50 \(String(format: "%.3f", p50)) ms")
                    }
                }
            }
        }

        var cells: [Cell] = []
        for step in steps {
            for target in parsedTargets {
                for mode in modes {
                    let key = "\(step.name)|\(target.name)/\(mode.name)"
                    let result = merged[key] ?? WindowResult()
                    cells.append(Cell(
                        step: step.name, rate: step.rate, target: target.name, mode: mode.name,
                        total: Percentiles(nanoseconds: result.timings.map(\.total)),
                        firstByte: Percentiles(nanoseconds: result.timings.map(\.firstByte)),
                        firstDelta: mode.stream ? Percentiles(nanoseconds: result.timings.map(\.firstDelta)) : nil,
                        completed: result.timings.count, errors: result.errors,
                        achievedRate: Double(result.timings.count) / max(1e-9, measured[key] ?? 0)))
                }
            }
        }
        var connectFailures: [String: Int] = [:]
        for (key, pool) in pools {
            let failures = try await loop.submit { pool.connectFailures }.get()
            for (reason, count) in failures { connectFailures["\(key): \(reason)", default: 0] += count }
            try await pool.shutdown().get()
        }
        let output = Output(
            loadGenerator: "frontdesk-bench (SwiftNIO open-loop client, keep-alive pool, latency from scheduled send time)",
            windowSeconds: windowSeconds, rounds: rounds, serialSeconds: serialSeconds,
            saturation: saturation, cells: cells, connectFailures: connectFailures)
        try await group.shutdownGracefully()
        try writeJSON(output, to: out)
    }
}

/// Waits until each process has used less than 10% of a core over 200 ms (at most 15 s), so
/// that one target's leftover work does not run into the next target's window.
func waitUntilQuiet(_ pids: [Int32]) async {
    guard !pids.isEmpty else { return }
    let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    let deadline = ContinuousClock.now + .seconds(15)
    var previous = pids.map(cpuTicks)
    while ContinuousClock.now < deadline {
        try? await Task.sleep(for: .milliseconds(200))
        let current = pids.map(cpuTicks)
        let busiest = zip(previous, current).map { ($1 ?? 0) - ($0 ?? 0) }.max() ?? 0
        previous = current
        if Double(busiest) / ticksPerSecond < 0.02 { return }
    }
    log("note: a server was still busy after 15 s of waiting for it to go quiet")
}

/// utime + stime of a process in clock ticks, from /proc/<pid>/stat; nil if it is gone.
func cpuTicks(_ pid: Int32) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return nil }
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
    return user + system
}

/// "Name: value" → (name, value).
func parseHeader(_ text: String) throws -> (String, String) {
    guard let colon = text.firstIndex(of: ":") else { throw ValidationError("--header wants \"Name: value\", got \(text)") }
    return (String(text[..<colon]).trimmingCharacters(in: .whitespaces),
            String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
}

/// A JSON string literal.
func jsonString(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
    let array = String(decoding: data, as: UTF8.self)
    return String(array.dropFirst().dropLast())
}

/// Progress goes to stderr; stdout is left to results.
func log(_ text: String) {
    FileHandle.standardError.write(Data(("  " + text + "\n").utf8))
}

func writeJSON(_ value: some Encodable, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    try encoder.encode(value).write(to: URL(fileURLWithPath: path))
}
