import ArgumentParser
import Foundation
import FrontDeskApp
import Hummingbird
import Logging
import Metrics
import Prometheus

/// `frontdesk serve`: loads configuration, opens (and on first run seeds) the calendar,
/// checks personas, and serves until SIGINT/SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP service.")

    @Option(help: "Which env/.env.<name> file to read: local, test or production.")
    var env: String = ProcessInfo.processInfo.environment["FRONTDESK_ENV"] ?? "local"

    @Option(help: "Override HOST.") var host: String?
    @Option(help: "Override PORT (0 picks a free port).") var port: Int?

    func run() async throws {
        var configuration: AppConfiguration
        do {
            configuration = try AppConfiguration.load(profile: env)
        } catch {
            throw ValidationError(error.description)
        }
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        var logger = Logger(label: "frontdesk")
        logger.logLevel = configuration.logLevel
        do {
            try configuration.checkExposure()
        } catch {
            throw ValidationError(error.description)
        }

        let services = try FrontDeskServices(configuration: configuration, logger: logger)
        defer { services.shutdown() }
        try StartupChecks.run(services: services, logger: logger)

        // Every metric of the process goes to one Prometheus registry, which /metrics renders.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory.frontDesk(registry: registry))
        let app = buildApplication(services: services, logger: logger, metrics: registry)
        try await app.runService()
    }
}
