import ArgumentParser
import Dispatch
import Foundation
import ScriptedUpstream

/// `scripted-upstream`: the scripted FAKE upstream LLM as an executable, for the Python
/// end-to-end tests and benchmarks. Prints `LISTENING <port>` once bound, then serves until
/// SIGTERM or SIGINT. Drive it with `POST /_script`, `POST /_reset`, `GET /_requests`,
/// `POST /_config`.
@main
struct ScriptedUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scripted-upstream",
        abstract: "A scripted fake OpenAI-compatible upstream LLM for tests and benchmarks."
    )

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "TCP port; 0 picks a free port (printed as `LISTENING <port>`).")
    var port: Int = 0

    @Option(name: .customLong("chunk-delay-ms"), help: "Delay before each streamed chunk, in milliseconds.")
    var chunkDelayMs: Int = 0

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "warning"

    func run() async throws {
        let upstream = ScriptedUpstream(chunkDelay: .milliseconds(chunkDelayMs))
        try await upstream.run(host: host, port: port, logLevel: logLevel) { boundPort, _ in
            FileHandle.standardOutput.write(Data("LISTENING \(boundPort)\n".utf8))
            await waitForTerminationSignal()
        }
    }
}

/// Suspends until SIGTERM or SIGINT arrives.
func waitForTerminationSignal() async {
    let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
    var sources: [any DispatchSourceSignal] = []
    for signalNumber in [SIGTERM, SIGINT] {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler { continuation.yield(signalNumber) }
        source.resume()
        sources.append(source)
    }
    for await _ in signals { break }
    for source in sources { source.cancel() }
}
