import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `frontdesk-bench streams`: many SSE conversations held open through FrontDesk at once (the
/// fake streams slowly), while FrontDesk's resident memory and thread count are sampled from
/// `/proc/<pid>/status`.
struct StreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "Concurrent SSE streams through FrontDesk: peak RSS, threads, errors."
    )

    @Option(help: "FrontDesk's http://host:port/v1/chat/completions.")
    var url: String

    @Option(help: "FrontDesk's process id, for /proc/<pid>/status.")
    var pid: Int32

    @Option(name: .customLong("upstream-control"), help: "The scripted fake's http://host:port (control endpoints).")
    var upstreamControl: String

    @Option(help: "Streams to open.")
    var count: Int = 1_000

    @Option(name: .customLong("ramp-seconds"), help: "The streams are opened evenly over this time.")
    var rampSeconds: Double = 3

    @Option(name: .customLong("chunk-delay-ms"), help: "The fake's pause before each streamed word.")
    var chunkDelayMs: Int = 100

    @Option(help: "Words in each streamed answer (stream length ≈ words × chunk delay).")
    var words: Int = 120

    @Option(name: .customLong("header"), help: "Extra request header \"Name: value\" (repeatable).")
    var headers: [String] = []

    @Option(help: "Write the results here as JSON.")
    var out: String

    struct Sample: Codable {
        var rssKB: Int
        var threads: Int
    }

    struct Output: Codable {
        var streams: Int
        var completed: Int
        var errors: [String: Int]
        var peakConcurrentStreams: Int
        var before: Sample?
        var peakRssMB: Double
        var peakThreads: Int
        var hwmMB: Double?
        var seconds: Double
        var streamDuration: Percentiles?
        var firstDelta: Percentiles?
        var chunkDelayMs: Int
        var words: Int
        /// FrontDesk's CPU time over a window in which every stream was open (after the ramp,
        /// before the first ended), as a share of one core; nil when the streams are too short
        /// for such a window.
        var plateauCPU: PlateauCPU?
    }

    struct PlateauCPU: Codable {
        var windowSeconds: Double
        var coreShare: Double
        var coreSharePer1000Streams: Double
    }

    func run() async throws {
        let control = FakeControl(baseURL: upstreamControl)
        try await control.post("/_reset", "{}")
        try await control.post("/_config", "{\"record_requests\":false,\"chunk_delay_ms\":\(chunkDelayMs)}")

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        // The fake echoes the last user message word by word: its length sets the stream's.
        let text = (0..<max(1, words - 2)).map { "word\($0)" }.joined(separator: " ")
        let body = "{\"model\":\"scripted-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\(jsonString(text))}]}"
        guard let spec = RequestSpec.parse(url: url, body: body, stream: true, headers: try headers.map(parseHeader)) else {
            throw ValidationError("not an http:// URL: \(url)")
        }
        let pool = ConnectionPool(spec: spec, maxConnections: count, eventLoop: loop)

        let before = Self.status(pid: pid)
        let peak = PeakSampler(pid: pid)
        let sampling = loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(50)) { _ in peak.sample() }
        let started = ContinuousClock.now
        let expected = Double(words) * Double(chunkDelayMs) / 1000
        let run = LoadRun(pool: pool, pacing: .rate(Double(count) / rampSeconds), duration: .nanoseconds(Int64(rampSeconds * 1e9)),
                          drain: .nanoseconds(Int64((expected * 3 + 30) * 1e9)))
        // Every stream is open from the end of the ramp until the first one ends (≈ its length).
        let plateauStart = rampSeconds + 1
        let plateauSeconds = min(5, expected - rampSeconds - 2)
        let plateau = PlateauSampler(pid: pid)
        if plateauSeconds >= 1 {
            loop.scheduleTask(in: .nanoseconds(Int64(plateauStart * 1e9))) { plateau.begin() }
            loop.scheduleTask(in: .nanoseconds(Int64((plateauStart + plateauSeconds) * 1e9))) { plateau.end() }
        }
        let result = try await run.run().get()
        let seconds = (ContinuousClock.now - started).seconds
        let sampled = try await loop.submit { () -> (Int, Int) in
            sampling.cancel()
            peak.sample()
            return (peak.rssKB, peak.threads)
        }.get()
        try await pool.shutdown().get()
        try await control.post("/_reset", "{}")

        let output = Output(
            streams: count, completed: result.timings.count, errors: result.errors, peakConcurrentStreams: result.peakOpenStreams,
            before: before.map { Sample(rssKB: $0.rssKB, threads: $0.threads) },
            peakRssMB: Double(sampled.0) / 1024, peakThreads: sampled.1, hwmMB: Self.status(pid: pid).map { Double($0.hwmKB) / 1024 },
            seconds: seconds, streamDuration: Percentiles(nanoseconds: result.timings.map(\.total)),
            firstDelta: Percentiles(nanoseconds: result.timings.map(\.firstDelta)), chunkDelayMs: chunkDelayMs, words: words,
            plateauCPU: try await loop.submit { plateau.result(streams: count) }.get())
        log("streams: \(output.completed)/\(count) completed, peak \(output.peakConcurrentStreams) open at once, peak RSS \(String(format: "%.1f", output.peakRssMB)) MB, peak threads \(output.peakThreads), \(result.errorCount) errors")
        try await group.shutdownGracefully()
        try writeJSON(output, to: out)
    }

    /// VmRSS, VmHWM (kB) and Threads of a process, or nil if it is gone.
    static func status(pid: Int32) -> (rssKB: Int, hwmKB: Int, threads: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var rss = 0, hwm = 0, threads = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { continue }
            switch fields[0] {
            case "VmRSS:": rss = Int(fields[1]) ?? 0
            case "VmHWM:": hwm = Int(fields[1]) ?? 0
            case "Threads:": threads = Int(fields[1]) ?? 0
            default: break
            }
        }
        return (rss, hwm, threads)
    }
}

/// The highest RSS and thread count seen. Sampled on the client's event loop only.
final class PeakSampler: @unchecked Sendable {
    let pid: Int32
    private(set) var rssKB = 0
    private(set) var threads = 0

    init(pid: Int32) { self.pid = pid }

    func sample() {
        guard let status = StreamsCommand.status(pid: pid) else { return }
        rssKB = max(rssKB, status.rssKB)
        threads = max(threads, status.threads)
    }
}

/// FrontDesk's CPU time (utime + stime from /proc/<pid>/stat) between `begin` and `end`.
/// Used on the client's event loop only.
final class PlateauSampler: @unchecked Sendable {
    let pid: Int32
    private var start: (at: ContinuousClock.Instant, ticks: Int)?
    private var stop: (at: ContinuousClock.Instant, ticks: Int)?

    init(pid: Int32) { self.pid = pid }

    func begin() { start = Self.ticks(pid: pid).map { (ContinuousClock.now, $0) } }
    func end() { stop = Self.ticks(pid: pid).map { (ContinuousClock.now, $0) } }

    func result(streams: Int) -> StreamsCommand.PlateauCPU? {
        guard let start, let stop else { return nil }
        let seconds = (stop.at - start.at).seconds
        let share = Double(stop.ticks - start.ticks) / Double(sysconf(Int32(_SC_CLK_TCK))) / seconds
        return .init(windowSeconds: seconds, coreShare: share, coreSharePer1000Streams: share * 1000 / Double(max(1, streams)))
    }

    /// utime + stime in clock ticks: fields 14 and 15, counted after the `)` that ends the name.
    static func ticks(pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }
}
