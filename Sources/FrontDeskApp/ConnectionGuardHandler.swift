import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Per-connection guard in front of the router (one instance per connection), for what the
/// router never sees:
///
/// - a request whose body trickles in: from its head to its end it has `bodyTimeout`, then it
///   is answered 408 and the connection closed (Hummingbird's idle timeout resets on every
///   body part, so a byte every few seconds would otherwise hold a connection for ever);
/// - a request head NIO's decoder rejects (over 80 KB of headers, malformed): answered in our
///   JSON error shape (431 or 400) instead of an empty 400, then closed.
///
/// Slow request heads and idle keep-alive connections are closed by Hummingbird's own idle
/// timeout: the decoder hands on a head only once it is whole, so trickled header bytes never
/// count as activity.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let bodyTimeout: TimeAmount
    private var bodyTimer: Scheduled<Void>?
    /// A response has begun and not ended: nothing of ours may be written now.
    private var responding = false
    /// We answered and are closing: drop everything else.
    private var closing = false

    init(bodyTimeout: TimeAmount) {
        self.bodyTimeout = bodyTimeout
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        bodyTimer?.cancel()
        bodyTimer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head:
            bodyTimer?.cancel()
            let loop = context.eventLoop.assumeIsolated()
            bodyTimer = loop.scheduleTask(in: bodyTimeout) { [self] in
                bodyTimer = nil
                guard !responding else { return }
                fail(context, status: .requestTimeout, code: "request_timeout",
                     message: "The request body did not arrive in time.")
            }
        case .body:
            break
        case .end:
            bodyTimer?.cancel()
            bodyTimer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational: responding = true
        case .head, .body: break
        case .end: responding = false
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        guard !closing else { return }
        guard !responding else { return context.fireErrorCaught(error) }
        // Answer now: the decoder closes the channel as soon as this returns.
        if case .headerOverflow = parserError {
            fail(context, status: .requestHeaderFieldsTooLarge, code: "request_header_too_large",
                 message: "The request headers are larger than 80 KB.")
        } else {
            fail(context, status: .badRequest, code: "malformed_request", message: "The request is not valid HTTP/1.1.")
        }
    }

    private func fail(_ context: ChannelHandlerContext, status: HTTPResponse.Status, code: String, message: String) {
        closing = true
        bodyTimer?.cancel()
        bodyTimer = nil
        let body = context.channel.allocator.buffer(
            string: #"{"error":{"message":"\#(message)","type":"invalid_request_error","param":null,"code":"\#(code)"}}"#)
        let head = HTTPResponse(status: status, headerFields: [
            .contentType: "application/json", .contentLength: "\(body.readableBytes)", .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(promise: nil)
    }
}
