import Agent
import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import Prometheus
import SQLiteStore
import Reception
import Scheduling
import Upstream

/// Everything the service runs on, built once: the upstream client, the business registry
/// and each business's front desk. `serve`, `persona render` and the tests all build through
/// here, so they cannot drift apart.
public struct FrontDeskServices: Sendable {
    public let configuration: AppConfiguration
    /// Every business this server answers for; `buildApplication` runs their call-log writers.
    public let businesses: Businesses
    /// Console users and sessions (in the server's own file).
    public let accounts: StaffAccounts
    /// Webhooks received from Telnyx, kept before they are handled (in the server's own file).
    public let telnyxInbox: TelnyxInbox
    /// The console's templates, loaded once.
    let consoleRenderer: ConsoleRenderer
    /// Where blocking work (the registry, the call log, password hashing) runs.
    let blockingWork: BlockingWorkExecutor
    /// The one libcurl client: the upstream LLM, webhooks, outside APIs.
    let outbound: OutboundHTTP

    /// The home business (the server's own database file): what a single-business server is.
    public var home: BusinessRuntime { businesses.home }
    public var book: AppointmentBook { home.book }
    public var desk: FrontDesk { home.desk }
    public var personas: PersonaStore { home.personas }
    public var agent: ChatAgent { home.agent }
    public var conversations: CallLogConversationStore { home.conversations }

    /// - Parameter upstream: replaces the libcurl upstream (tests of the agent loop only).
    public init(configuration: AppConfiguration, logger: Logger, upstream: (any ChatUpstream)? = nil) throws {
        let logger = logger.redactingPersonalData
        self.configuration = configuration

        var curl: CurlUpstreamClient?
        let chatUpstream: any ChatUpstream
        if let upstream {
            chatUpstream = upstream
        } else if configuration.upstreamIsConfigured {
            let client = try CurlUpstreamClient(
                configuration: UpstreamConfiguration(
                    baseURLs: [configuration.upstreamBaseURL] + configuration.fallbackBaseURLs,
                    connectTimeout: configuration.connectTimeout, firstByteTimeout: configuration.firstByteTimeout,
                    totalTimeout: configuration.totalTimeout, idleTimeout: configuration.idleTimeout,
                    retryDeadline: configuration.retryDeadline,
                    maxRetries: configuration.maxRetries),
                logger: logger)
            curl = client
            chatUpstream = CurlChatUpstream(
                client: client, apiKey: configuration.upstreamAPIKey,
                secrets: [configuration.upstreamAPIKey].compactMap { $0 } + configuration.apiKeys)
        } else {
            chatUpstream = UnconfiguredUpstream()
        }
        outbound = OutboundHTTP(upstream: curl, logger: logger)
        // The call log's and the registry's blocking SQLite work runs off Swift's cooperative
        // pool (each calendar's runs on its store's own threads).
        let blockingWork = BlockingWorkExecutor()
        self.blockingWork = blockingWork
        businesses = try Businesses(registry: try BusinessRegistry(homePath: configuration.databasePath), executor: blockingWork,
                                    logger: logger) { business, path in
            try Self.openBusiness(business, path: path, configuration: configuration, upstream: chatUpstream,
                                  executor: blockingWork, logger: logger)
        }
        accounts = try StaffAccounts(homePath: configuration.databasePath)
        telnyxInbox = try TelnyxInbox(homePath: configuration.databasePath)
        consoleRenderer = try ConsoleRenderer.load()
    }

    /// Opens one business's calendar file (creating and migrating it) and builds its front desk.
    private static func openBusiness(
        _ business: BusinessDirectory.Business, path: String, configuration: AppConfiguration, upstream: any ChatUpstream,
        executor: any TaskExecutor, logger: Logger
    ) throws -> BusinessRuntime {
        var logger = logger
        logger[metadataKey: "business"] = "\(business.id)"
        let book = try AppointmentBook(path: path, logger: logger)
        // A webhook delivery claimed by a process that then dies is due again after this.
        let lease = (configuration.webhookTimeout * 2 + .seconds(5)) / .seconds(1)
        let desk = FrontDesk(store: SQLiteFrontDeskStore(book: book, label: "frontdesk.store.\(business.id)", deliveryLease: lease),
                             logger: logger)
        let personas = PersonaStore(directory: URL(fileURLWithPath: business.personasDirectory ?? configuration.personasDirectory))
        var callLogger = Logger(label: "frontdesk.calls").redactingPersonalData
        callLogger[metadataKey: "business"] = "\(business.id)"
        let conversations = CallLogConversationStore(log: try CallLog(path: path), logger: callLogger, executor: executor)
        let agent = ChatAgent(
            personas: personas,
            prompts: PromptAssembler(source: CalendarFacts(desk: desk)),
            upstream: upstream,
            tools: ToolRegistry(AppointmentTools.all(desk: desk) + [SearchKnowledgeTool(desk: desk)]),
            configuration: AgentConfiguration(
                upstreamModel: configuration.upstreamModel, defaultPersona: business.defaultPersona ?? configuration.personaName,
                personaMode: configuration.personaMode, maxToolRounds: configuration.maxToolRounds,
                turnDeadline: configuration.turnDeadline),
            conversations: conversations)
        return BusinessRuntime(id: business.id, book: book, desk: desk, personas: personas, agent: agent, conversations: conversations)
    }

    /// Stops the libcurl driver thread.
    public func shutdown() {
        outbound.shutdown()
    }
}

/// Builds the HTTP application around the services.
/// - Parameter metrics: the Prometheus registry the process's metrics go to (`frontdesk serve`
///   bootstraps swift-metrics with it); `GET /metrics` renders it when `METRICS_TOKEN` is set.
public func buildApplication(
    services: FrontDeskServices, logger: Logger, metrics: PrometheusCollectorRegistry? = nil
) -> some ApplicationProtocol {
    let logger = logger.redactingPersonalData
    let configuration = services.configuration
    // HEAD works wherever GET does (monitors and load balancers probe /health with HEAD).
    let router = Router(context: FrontDeskRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestLogMiddleware())
    // Hummingbird's own HTTP metrics (requests, durations, errors by route and method).
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: OpenAIErrorMiddleware(routes: [
        "/health": [.get, .head], "/metrics": [.get, .head], "/v1/models": [.get, .head], "/v1/chat/completions": [.post],
        "/api/v1/openapi.json": [.get, .head], "/api/v1/business": [.get, .head, .put], "/api/v1/providers": [.get, .head],
        "/api/v1/services": [.get, .head], "/api/v1/locations": [.get, .head], "/api/v1/availability": [.get, .head],
        "/api/v1/appointments": [.get, .head, .post], "/api/v1/appointments/export": [.get, .head],
        "/api/v1/appointments/:id": [.get, .head], "/api/v1/appointments/:id/cancel": [.post],
        "/api/v1/appointments/:id/reschedule": [.post], "/api/v1/appointments/:id/confirm": [.post],
        "/api/v1/patients": [.get, .head, .post], "/api/v1/patients/:id": [.get, .head, .patch],
        "/api/v1/calls": [.get, .head], "/api/v1/calls/export": [.get, .head], "/api/v1/calls/:id": [.get, .head],
        "/telnyx/webhooks": [.post], "/telnyx/dynamic-variables": [.post],
        "/api/v1/events": [.get, .head], "/api/v1/webhooks": [.get, .head, .post], "/api/v1/webhooks/:id": [.delete],
        "/api/v1/webhooks/:id/rotate": [.post], "/api/v1/webhooks/:id/test": [.post], "/api/v1/webhooks/:id/attempts": [.get, .head],
        "/api/v1/knowledge": [.get, .head, .post], "/api/v1/knowledge/search": [.get, .head], "/api/v1/knowledge/:id": [.delete],
    ]))
    // The console's stylesheet and script (resources of this module).
    router.add(middleware: FileMiddleware(ConsoleRenderer.resourceDirectory + "/static", urlBasePath: "/console/static", logger: logger))
    if let metrics { MetricsController(registry: metrics, token: configuration.metricsToken).addRoutes(to: router) }
    HealthController(desk: services.desk, upstreamConfigured: configuration.upstreamIsConfigured).addRoutes(to: router)

    let v1 = router.group("v1").add(middleware: APIKeyMiddleware(keys: configuration.apiKeys, businesses: services.businesses))
    ModelsController(agent: services.agent, upstreamModel: configuration.upstreamModel, startedAt: Int(Date().timeIntervalSince1970))
        .addRoutes(to: v1)
    ChatCompletionsController(
        businesses: services.businesses, maxBodyBytes: configuration.maxBodyBytes, forwardClientKey: configuration.forwardClientKey,
        metricsBusinessLabel: configuration.metricsBusinessLabel
    ).addRoutes(to: v1)

    // The staff web console: server-rendered pages behind a session cookie.
    let renderer = services.consoleRenderer
    let auth = ConsoleAuthController(
        accounts: services.accounts, hasher: PasswordHasher(cost: configuration.passwordCost), renderer: renderer,
        executor: services.blockingWork, secureCookies: configuration.consoleSecureCookies)
    auth.addRoutes(to: router.group("console"))
    let console = router.group("console")
        .add(middleware: ConsoleSessionMiddleware(accounts: services.accounts, businesses: services.businesses, executor: services.blockingWork))
    console.post("logout", use: auth.signOut)
    ConsoleScheduleController(renderer: renderer).addRoutes(to: console)
    ConsoleAppointmentsController(renderer: renderer).addRoutes(to: console)
    ConsoleCallsController(renderer: renderer).addRoutes(to: console)
    ConsolePatientsController(renderer: renderer).addRoutes(to: console)
    ConsoleEventsController(pollInterval: .milliseconds(500)).addRoutes(to: console)
    ConsoleSettingsController(
        renderer: renderer, registry: services.businesses.registry, accounts: services.accounts,
        hasher: PasswordHasher(cost: configuration.passwordCost), executor: services.blockingWork
    ).addRoutes(to: console)

    // Telnyx's webhooks: signed by Telnyx, so outside the API key middleware.
    TelnyxController(
        signature: configuration.telnyxPublicKey.flatMap { TelnyxSignature(publicKeyBase64: $0, tolerance: configuration.telnyxTolerance) },
        inbox: services.telnyxInbox, businesses: services.businesses, executor: services.blockingWork, maxBodyBytes: configuration.maxBodyBytes
    ).addRoutes(to: router)

    // The staff REST API: every route needs a key, and acts in the one business it resolves to.
    OpenAPIController().addRoutes(to: router)
    let api = router.group("api/v1").add(middleware: StaffAPIMiddleware(serverKeys: configuration.apiKeys, businesses: services.businesses))
    BusinessAPIController(maxBodyBytes: configuration.maxBodyBytes).addRoutes(to: api)
    AppointmentsAPIController(maxBodyBytes: configuration.maxBodyBytes).addRoutes(to: api)
    PatientsAPIController(maxBodyBytes: configuration.maxBodyBytes).addRoutes(to: api)
    CallsAPIController().addRoutes(to: api)
    WebhooksAPIController(maxBodyBytes: configuration.maxBodyBytes, executor: services.blockingWork).addRoutes(to: api)
    KnowledgeAPIController(maxBodyBytes: configuration.maxBodyBytes).addRoutes(to: api)

    let telnyxAPI = configuration.telnyxAPIKey.map {
        TelnyxMessagingClient(outbound: services.outbound, apiKey: $0, baseURL: configuration.telnyxAPIBaseURL, timeout: .seconds(10), logger: logger)
    }
    return Application(
        router: router,
        server: .http1OnEventLoop(configuration: .init(
            additionalChannelHandlers: [ConnectionGuardHandler(bodyTimeout: TimeAmount(configuration.httpBodyTimeout))],
            idleTimeout: TimeAmount(configuration.httpIdleTimeout))),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "FrontDesk",
            // At the cap the server stops accepting (new clients wait in the listen backlog)
            // rather than run out of file descriptors, after which nothing, /health included, answers.
            availableConnectionsDelegate: .maximum(configuration.maxConnections ?? ConnectionLimit.fromDescriptorLimit(), logger: logger)),
        // Services shut down in reverse order, the server first: turns still in flight are
        // recorded before the call log's writer drains and stops.
        services: [
            CallLogWriters(businesses: services.businesses),
            WebhookDispatcher(
                businesses: services.businesses,
                sender: WebhookSender(outbound: services.outbound, timeout: configuration.webhookTimeout, executor: services.blockingWork,
                                      logger: logger),
                schedule: configuration.webhookSchedule, pollInterval: configuration.webhookPollInterval, logger: logger),
            TelnyxEventProcessor(
                inbox: services.telnyxInbox, businesses: services.businesses, messaging: telnyxAPI, executor: services.blockingWork,
                pollInterval: configuration.webhookPollInterval, logger: logger),
            TextDispatcher(businesses: services.businesses, messaging: telnyxAPI, pollInterval: configuration.textsPollInterval, logger: logger),
        ],
        logger: logger)
}
