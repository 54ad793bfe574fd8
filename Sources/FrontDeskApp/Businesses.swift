import Agent
import Foundation
import Logging
import Reception
import Scheduling
import SQLiteStore
import ServiceLifecycle
import Synchronization

/// The businesses this server answers for: the registry's directory, re-read at most once per
/// `refreshInterval` (so a business, number or key added with `frontdesk business …` works
/// without a restart, and a revoked key stops working within it), and one runtime per business,
/// opened on its first request.
///
/// Registry reads and opening a calendar file block, so they run on the blocking-work
/// executor, never on Swift's cooperative pool.
public final class Businesses: Sendable {
    private struct State {
        var directory: BusinessDirectory
        var fetchedAt: ContinuousClock.Instant
        var runtimes: [String: BusinessRuntime] = [:]
    }

    public let registry: BusinessRegistry
    /// The home business (the server's own database file), opened at start.
    public let home: BusinessRuntime
    private let state: Mutex<State>
    private let open: @Sendable (BusinessDirectory.Business, String) throws -> BusinessRuntime
    private let executor: any TaskExecutor
    private let refreshInterval: Duration
    private let logger: Logger
    /// Call logs of runtimes opened after start, for the writer service to run.
    private let opened: AsyncStream<CallLogConversationStore>.Continuation
    private let openedStream: AsyncStream<CallLogConversationStore>

    init(
        registry: BusinessRegistry, executor: any TaskExecutor, refreshInterval: Duration = .seconds(1), logger: Logger,
        open: @escaping @Sendable (BusinessDirectory.Business, String) throws -> BusinessRuntime
    ) throws {
        self.registry = registry
        self.executor = executor
        self.refreshInterval = refreshInterval
        self.logger = logger
        self.open = open
        let directory = try registry.directory()
        let homeBusiness = directory.businesses[BusinessRegistry.homeBusinessID]
            ?? BusinessDirectory.Business(id: BusinessRegistry.homeBusinessID)
        let home = try open(homeBusiness, registry.databasePath(of: homeBusiness))
        self.home = home
        state = Mutex(State(directory: directory, fetchedAt: .now, runtimes: [home.id: home]))
        (openedStream, opened) = AsyncStream.makeStream(of: CallLogConversationStore.self)
    }

    /// The directory, re-read when older than the refresh interval. A failed re-read keeps the
    /// last one (logged): a registry hiccup must not take calls down.
    public func directory() async -> BusinessDirectory {
        // One request refreshes; the others keep using the directory they have meanwhile.
        let (directory, claimed) = state.withLock { state -> (BusinessDirectory, Bool) in
            guard ContinuousClock.now - state.fetchedAt >= refreshInterval else { return (state.directory, false) }
            state.fetchedAt = .now
            return (state.directory, true)
        }
        guard claimed else { return directory }
        let registry = self.registry
        let fresh = await withTaskExecutorPreference(executor) { () -> BusinessDirectory? in
            do { return try registry.directory() } catch {
                self.logger.error("could not read the business registry", metadata: ["error": "\(error)"])
                return nil
            }
        }
        return state.withLock { state in
            if let fresh { state.directory = fresh }
            return state.directory
        }
    }

    /// The live business key `key` is, or nil for a key that is not one.
    public func businessKey(_ key: String) async -> BusinessDirectory.Key? {
        let keys = await directory().keys
        // Most servers have no business keys: then no bearer is hashed at all.
        return keys.isEmpty ? nil : keys[BusinessRegistry.hash(key)]
    }

    /// Whether any business key exists (then every `/v1` request must carry a key).
    public func haveKeys() async -> Bool { await !directory().keys.isEmpty }

    /// Resolves a request to its business and that business's runtime.
    public func resolve(
        _ signals: BusinessResolver.Signals
    ) async throws -> (runtime: BusinessRuntime, resolution: BusinessResolver.Resolution) {
        let resolution = try BusinessResolver.resolve(signals, in: await directory()).get()
        return (try await runtime(for: resolution.business), resolution)
    }

    /// The runtime of the business `id`. Throws `.notFound("business")` for an unknown id.
    public func runtime(named id: String) async throws -> BusinessRuntime {
        guard let business = await directory().businesses[id] else { throw SchedulingError.notFound("business") }
        return try await runtime(for: business)
    }

    /// The runtime of `business`, opened (its file created and migrated) on first use.
    func runtime(for business: BusinessDirectory.Business) async throws -> BusinessRuntime {
        if let running = state.withLock({ $0.runtimes[business.id] }) { return running }
        let (open, path) = (self.open, registry.databasePath(of: business))
        let runtime = try await withTaskExecutorPreference(executor) { try open(business, path) }
        let (kept, isNew) = state.withLock { state -> (BusinessRuntime, Bool) in
            if let raced = state.runtimes[business.id] { return (raced, false) }
            state.runtimes[business.id] = runtime
            return (runtime, true)
        }
        if isNew { opened.yield(kept.conversations) }
        return kept
    }

    /// Runs every business's call-log writer (the home one and those opened later) until
    /// graceful shutdown, then lets each write what is queued and stop.
    func runWriters() async {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.home.conversations.run() }
                for await store in openedStream {
                    group.addTask { await store.run() }
                }
            }
        } onGracefulShutdown: {
            self.opened.finish()
            for runtime in self.state.withLock({ Array($0.runtimes.values) }) { runtime.conversations.finish() }
        }
    }
}

/// Runs the call logs' writers next to the server; on graceful shutdown they write what is
/// still queued, then stop.
struct CallLogWriters: Service {
    let businesses: Businesses

    func run() async throws { await businesses.runWriters() }
}
