import Logging
import Testing
@testable import Upstream

/// Real HTTP over loopback: bodies stream as they arrive, end cleanly or throw, and go away
/// when their consumer does.
@Suite("CurlUpstreamClient streaming")
struct CurlUpstreamClientStreamingTests {
    typealias Support = UpstreamTestSupport
    typealias Response = LoopbackHTTPServer.Response

    @Test func streamedChunksArriveBeforeTheUpstreamSendsTheNextOne() async throws {
        // Given an upstream that sends one chunk, then waits for the test before the second
        let gate = TestGate()
        let server = try LoopbackHTTPServer { _, _ in
            Response(steps: [Response.chunkedHead(), Response.chunk("data: one\n\n"), .wait(gate), Response.chunk("data: two\n\n"), Response.end])
        }
        let client = try Support.client([server.baseURL])
        defer { client.shutdown() }

        // When the first chunk is read before the gate opens
        let response = try await client.send(Support.chatRequest(stream: true), logger: Logger(label: "t"))
        var iterator = response.body.makeAsyncIterator()
        let first = try await iterator.next()

        // Then it arrived on its own, and the rest follows once the upstream sends it
        #expect(first.map(Support.string) == "data: one\n\n")
        gate.open()
        var rest: [UInt8] = []
        while let chunk = try await iterator.next() { rest += chunk }
        #expect(Support.string(rest) == "data: two\n\n")
        #expect(response.status == 200)
        #expect(response.headers.contains { $0.name == "Content-Type" && $0.value == "text/event-stream" })
        #expect(server.gateTimeouts == 0)
    }

    @Test func jsonBodyIsCollectedWholeAndTheRequestIsWellFormed() async throws {
        let server = try LoopbackHTTPServer { _, _ in .json(#"{"id":"chatcmpl-1","object":"chat.completion"}"#) }
        let client = try Support.client([server.baseURL + "/"])  // trailing slash tolerated
        defer { client.shutdown() }

        let response = try await client.send(Support.chatRequest(), logger: Logger(label: "t"))
        let body = try await response.body.collect(upTo: 1 << 20)

        #expect(Support.string(body) == #"{"id":"chatcmpl-1","object":"chat.completion"}"#)
        #expect(response.header("content-type") == "application/json")
        #expect(response.baseURL == server.baseURL + "/")
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/chat/completions")
        #expect(request.header("Authorization") == "Bearer \(Support.token)")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("Expect") == nil)
        #expect(Support.string(request.body) == #"{"model":"m","stream":false}"#)
    }

    @Test func collectBeyondTheLimitThrowsTooLarge() async throws {
        let server = try LoopbackHTTPServer { _, _ in .json(String(repeating: "x", count: 5000)) }
        let client = try Support.client([server.baseURL])
        defer { client.shutdown() }

        let response = try await client.send(Support.chatRequest(), logger: Logger(label: "t"))
        await #expect(throws: UpstreamBody.TooLargeError(limit: 100)) {
            try await response.body.collect(upTo: 100)
        }
    }

    @Test func droppedStreamMakesTheBodyThrowAborted() async throws {
        // Given an upstream that closes the connection in the middle of a chunked body
        let server = try LoopbackHTTPServer { _, _ in
            Response(steps: [Response.chunkedHead(), Response.chunk("data: partial\n\n"), .sleep(.milliseconds(50)), .close])
        }
        let client = try Support.client([server.baseURL])
        defer { client.shutdown() }

        let response = try await client.send(Support.chatRequest(stream: true), logger: Logger(label: "t"))
        var received: [UInt8] = []
        var thrown: (any Error)?
        do {
            for try await chunk in response.body { received += chunk }
        } catch {
            thrown = error
        }

        // Then the bytes that came are delivered, and then the body throws: never a clean end
        #expect(Support.string(received) == "data: partial\n\n")
        guard case .aborted = thrown as? UpstreamError else {
            Issue.record("expected UpstreamError.aborted, got \(String(describing: thrown))")
            return
        }
    }

    @Test func cancellingTheConsumerClosesTheUpstreamConnection() async throws {
        // Given an upstream that streams one chunk and then keeps the stream open
        let server = try LoopbackHTTPServer { _, _ in
            Response(steps: [Response.chunkedHead(), Response.chunk("data: first\n\n"), .hold])
        }
        let client = try Support.client([server.baseURL])
        defer { client.shutdown() }
        let response = try await client.send(Support.chatRequest(stream: true), logger: Logger(label: "t"))
        let (firstChunkSeen, signalFirstChunk) = AsyncStream.makeStream(of: Void.self)

        // When the task consuming the body is cancelled while waiting for more
        let consumer = Task {
            var chunks = 0
            for try await _ in response.body {
                chunks += 1
                signalFirstChunk.yield()
            }
            return chunks
        }
        for await _ in firstChunkSeen { break }
        consumer.cancel()

        // Then the consumer ends with CancellationError and the upstream sees its connection close
        await #expect(throws: CancellationError.self) { try await consumer.value }
        #expect(await server.eventually { $0.clientClosures == 1 })
        #expect(await server.eventually { _ in client.driver.inFlightCount == 0 })
    }

    @Test func droppingAnUnreadResponseCancelsTheTransfer() async throws {
        let server = try LoopbackHTTPServer { _, _ in
            Response(steps: [Response.chunkedHead(), Response.chunk("data: first\n\n"), .hold])
        }
        let client = try Support.client([server.baseURL])
        defer { client.shutdown() }

        do {
            let response = try await client.send(Support.chatRequest(stream: true), logger: Logger(label: "t"))
            #expect(response.status == 200)
        }

        #expect(await server.eventually { $0.clientClosures == 1 })
    }

    @Test func cancellingBeforeTheHeadEndsSendAndTheTransfer() async throws {
        let server = try LoopbackHTTPServer { _, _ in .hang }
        let client = try Support.client([server.baseURL])
        defer { client.shutdown() }

        let sender = Task { try await client.send(Support.chatRequest(), logger: Logger(label: "t")) }
        #expect(await server.eventually { $0.requestCount == 1 })
        sender.cancel()

        await #expect(throws: CancellationError.self) { try await sender.value }
        #expect(await server.eventually { $0.clientClosures == 1 })
        #expect(server.requestCount == 1)
    }

    @Test func twentyConcurrentStreamsShareOneDriverThread() async throws {
        let server = try LoopbackHTTPServer { _, index in
            Response(steps: [
                Response.chunkedHead(), Response.chunk("data: \(index)-a\n\n"), .sleep(.milliseconds(100)),
                Response.chunk("data: b\n\n"), Response.end,
            ])
        }
        let client = try Support.client([server.baseURL])
        defer { client.shutdown() }

        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    let response = try await client.send(Support.chatRequest(stream: true), logger: Logger(label: "t"))
                    return Support.string(try await response.body.collect(upTo: 1 << 16))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        #expect(bodies.count == 20)
        #expect(bodies.allSatisfy { $0.hasSuffix("-a\n\ndata: b\n\n") })
        #expect(server.requestCount == 20)
        #expect(client.driver.threadsStartedCount == 1)
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let server = try LoopbackHTTPServer { _, index in .json(#"{"n":\#(index)}"#) }
        let client = try Support.client([server.baseURL])
        defer { client.shutdown() }

        for index in 0..<5 {
            let response = try await client.send(Support.chatRequest(), logger: Logger(label: "t"))
            #expect(Support.string(try await response.body.collect(upTo: 1024)) == #"{"n":\#(index)}"#)
        }

        #expect(server.requestCount == 5)
        #expect(server.acceptedConnections == 1)
    }

    @Test func aSlowReaderGetsEveryByteOfALargeBody() async throws {
        // Given a 3 MiB body, far past the 512 KiB at which the transfer pauses
        let chunk = [UInt8]((0..<(64 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let server = try LoopbackHTTPServer { _, _ in
            Response(steps: [Response.chunkedHead()] + Array(repeating: Response.chunk(chunk), count: 48) + [Response.end])
        }
        let client = try Support.client([server.baseURL])
        defer { client.shutdown() }

        // When the reader dawdles before reading (the buffer fills and curl is paused)
        let response = try await client.send(Support.chatRequest(stream: true), logger: Logger(label: "t"))
        try await Task.sleep(for: .milliseconds(300))
        var total: [UInt8] = []
        for try await part in response.body { total += part }

        // Then it is all there, in order
        #expect(total.count == 48 * chunk.count)
        #expect(total == Array([[UInt8]](repeating: chunk, count: 48).joined()))
    }

    @Test func fixedBodiesServeFakes() async throws {
        let body = UpstreamBody(chunks: [Array("a".utf8), Array("b".utf8)])
        #expect(Support.string(try await body.collect(upTo: 10)) == "ab")
    }
}
