import ArgumentParser

/// `frontdesk-bench`: the load client and calendar benchmark behind `scripts/bench.sh`.
///
/// A tool of its own rather than test support: it measures the release build from outside,
/// over real sockets, and runs only when `scripts/bench.sh` asks (never in CI). The load client
/// is our own (SwiftNIO, one event-loop thread) because it must time what `wrk` cannot: time to
/// the first SSE content delta, per request, on an open-loop schedule.
@main
struct FrontDeskBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontdesk-bench",
        abstract: "Benchmark client for FrontDesk (run through scripts/bench.sh).",
        subcommands: [OverheadCommand.self, ToolTurnCommand.self, StreamsCommand.self, CalendarCommand.self]
    )
}
