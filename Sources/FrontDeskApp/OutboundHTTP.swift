import Logging
import Synchronization
import Upstream

/// The process's one libcurl client for everything FrontDesk sends out: the upstream LLM's
/// client when one is configured, otherwise a client without base URLs, made on first use (a
/// server that never sends a webhook never starts a driver thread for it).
final class OutboundHTTP: Sendable {
    private let made: Mutex<CurlUpstreamClient?>
    private let logger: Logger

    init(upstream: CurlUpstreamClient?, logger: Logger) {
        made = Mutex(upstream)
        self.logger = logger
    }

    func client() throws -> CurlUpstreamClient {
        try made.withLock { made in
            if let made { return made }
            let client = try CurlUpstreamClient(configuration: UpstreamConfiguration(baseURLs: []), logger: logger)
            made = client
            return client
        }
    }

    func shutdown() {
        made.withLock { $0?.shutdown() }
    }
}
