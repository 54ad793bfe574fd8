import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel, with each connection's handling run on the connection's
/// own event loop (`EventLoopTaskExecutor`) instead of Swift's global pool. Requests, their
/// middleware and handlers, and the tasks they start inherit the preference; work that must
/// not run there states its own executor (`withTaskExecutorPreference`), as the store does.
struct EventLoopBoundChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await inner.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// `.http1(configuration:)`, each connection handled on its event loop.
    static func http1OnEventLoop(configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        .init { responder in EventLoopBoundChannel(inner: HTTP1Channel(responder: responder, configuration: configuration)) }
    }
}
