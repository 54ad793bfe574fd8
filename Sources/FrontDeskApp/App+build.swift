import Agent
import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import SQLiteStore
import Reception
import Scheduling
import Upstream

/// Everything the service runs on, built once: the calendar, the upstream client, the agent.
/// `serve`, `persona render` and the tests all build through here, so they cannot drift apart.
public struct FrontDeskServices: Sendable {
    public let configuration: AppConfiguration
    public let book: AppointmentBook
    /// The use-case layer over the book: every channel acts through it.
    public let desk: FrontDesk
    public let personas: PersonaStore
    public let agent: ChatAgent
    /// The call log's writer; `buildApplication` runs it as a service next to the server.
    public let conversations: CallLogConversationStore
    let curl: CurlUpstreamClient?

    /// - Parameter upstream: replaces the libcurl upstream (tests of the agent loop only).
    public init(configuration: AppConfiguration, logger: Logger, upstream: (any ChatUpstream)? = nil) throws {
        let logger = logger.redactingPersonalData
        self.configuration = configuration
        let book = try AppointmentBook(path: configuration.databasePath, logger: logger)
        self.book = book
        let desk = FrontDesk(store: SQLiteFrontDeskStore(book: book), logger: logger)
        self.desk = desk
        let personas = PersonaStore(directory: URL(fileURLWithPath: configuration.personasDirectory))
        self.personas = personas

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
        self.curl = curl
        // The call log's blocking SQLite work runs off Swift's cooperative pool (the calendar's
        // runs on the store's own threads).
        let blockingWork = BlockingWorkExecutor()
        let conversations = CallLogConversationStore(
            log: try CallLog(path: configuration.databasePath), logger: Logger(label: "frontdesk.calls").redactingPersonalData,
            executor: blockingWork)
        self.conversations = conversations
        self.agent = ChatAgent(
            personas: personas,
            prompts: PromptAssembler(source: CalendarFacts(desk: desk)),
            upstream: chatUpstream,
            tools: ToolRegistry(
                AppointmentTools.all(desk: desk), audit: ToolCallAuditSink(desk: desk)),
            configuration: AgentConfiguration(
                upstreamModel: configuration.upstreamModel, defaultPersona: configuration.personaName,
                personaMode: configuration.personaMode, maxToolRounds: configuration.maxToolRounds,
                turnDeadline: configuration.turnDeadline),
            conversations: conversations)
    }

    /// Stops the libcurl driver thread.
    public func shutdown() {
        curl?.shutdown()
    }
}

/// Builds the HTTP application around the services.
public func buildApplication(
    services: FrontDeskServices, logger: Logger
) -> some ApplicationProtocol {
    let logger = logger.redactingPersonalData
    let configuration = services.configuration
    // HEAD works wherever GET does (monitors and load balancers probe /health with HEAD).
    let router = Router(context: FrontDeskRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: OpenAIErrorMiddleware(routes: [
        "/health": [.get, .head], "/v1/models": [.get, .head], "/v1/chat/completions": [.post],
    ]))
    HealthController(desk: services.desk, upstreamConfigured: configuration.upstreamIsConfigured).addRoutes(to: router)

    let v1 = router.group("v1").add(middleware: APIKeyMiddleware(keys: configuration.apiKeys))
    ModelsController(agent: services.agent, upstreamModel: configuration.upstreamModel, startedAt: Int(Date().timeIntervalSince1970))
        .addRoutes(to: v1)
    ChatCompletionsController(
        agent: services.agent, maxBodyBytes: configuration.maxBodyBytes, forwardClientKey: configuration.forwardClientKey
    ).addRoutes(to: v1)

    return Application(
        router: router,
        server: .http1(configuration: .init(
            additionalChannelHandlers: [ConnectionGuardHandler(bodyTimeout: TimeAmount(configuration.httpBodyTimeout))],
            idleTimeout: TimeAmount(configuration.httpIdleTimeout))),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "FrontDesk",
            // At the cap the server stops accepting (new clients wait in the listen backlog)
            // rather than run out of file descriptors, after which nothing, /health included, answers.
            availableConnectionsDelegate: .maximum(configuration.maxConnections ?? ConnectionLimit.fromDescriptorLimit(), logger: logger)),
        // Services shut down in reverse order, the server first: turns still in flight are
        // recorded before the call log's writer drains and stops.
        services: [ConversationRecorderService(store: services.conversations)],
        logger: logger)
}
