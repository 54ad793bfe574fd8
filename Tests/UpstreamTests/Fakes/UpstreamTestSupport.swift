import Logging
@testable import Upstream

/// Shared setup: a client with short, test-sized budgets unless a test says otherwise.
enum UpstreamTestSupport {
    static let token = "sk-test-SECRET-7f3a9c"

    static func client(
        _ baseURLs: [String],
        logger: Logger = Logger(label: "upstream-tests"),
        configure: (inout UpstreamConfiguration) -> Void = { _ in }
    ) throws -> CurlUpstreamClient {
        var configuration = UpstreamConfiguration(
            baseURLs: baseURLs,
            connectTimeout: .seconds(2),
            firstByteTimeout: .seconds(30),  // far from any test's own, so "its own applied" is plain even on a loaded machine
            totalTimeout: .seconds(20),
            retryDeadline: .seconds(5),
            maxRetries: 2,
            retryBaseDelay: .milliseconds(20)
        )
        configure(&configuration)
        return try CurlUpstreamClient(configuration: configuration, logger: logger)
    }

    static func chatRequest(stream: Bool = false) -> UpstreamHTTPRequest {
        UpstreamHTTPRequest(
            path: "/chat/completions",
            method: "POST",
            body: Array(#"{"model":"m","stream":\#(stream)}"#.utf8),
            bearerToken: token,
            headers: stream ? [("Accept", "text/event-stream")] : []
        )
    }

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

extension ContinuousClock.Instant {
    /// Seconds since this instant, for elapsed-time assertions.
    var secondsElapsed: Double {
        let elapsed = duration(to: .now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
