import Agent
import ServiceLifecycle

/// Runs the call log's writer for as long as the application runs; on graceful shutdown it
/// writes what is still queued, then stops.
struct ConversationRecorderService: Service {
    let store: CallLogConversationStore

    func run() async throws {
        await withGracefulShutdownHandler {
            await store.run()
        } onGracefulShutdown: {
            store.finish()
        }
    }
}
