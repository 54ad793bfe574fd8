extension CurlTransfer {
    /// The response head as curl's header callback assembled it.
    struct Head: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
    }

    /// The lifecycle of one transfer, as a value type: the I/O code only feeds it events and
    /// carries out the action it returns (resume a continuation, ask the driver to pause, resume
    /// or remove the easy handle). Continuations are resumed by the caller, outside the lock.
    ///
    /// Two parties feed it: the driver thread (head, body bytes, completion) and the consumer
    /// (waiting for the head, pulling chunks, cancelling). Invariants: at most one continuation is
    /// stored at a time; a waiting body consumer implies an empty buffer; every continuation is
    /// resumed exactly once.
    struct StateMachine {
        enum State {
            /// Request submitted (or about to be); nothing received yet.
            case awaitingHead(CheckedContinuation<Head, any Error>?)
            /// The head was handed to `send`; bytes flow into the buffer.
            case streaming(Streaming)
            /// Failed or cancelled before the head; the error was (or will be) thrown from `send`.
            case failedBeforeHead(any Error)
            /// Everything was delivered (or thrown) to the consumer.
            case finished
            /// The consumer gave up; further reads throw `CancellationError`.
            case cancelled
        }

        struct Streaming {
            var status: Int
            var chunks: [[UInt8]] = []
            var firstChunk = 0
            var bufferedBytes = 0
            var waiter: CheckedContinuation<[UInt8]?, any Error>?
            /// The write callback returned `CURL_WRITEFUNC_PAUSE`; curl holds the bytes for us.
            var paused = false
            /// How the transfer ended; delivered after the buffered chunks.
            var end: Result<Void, UpstreamError>?

            var hasBufferedChunk: Bool { firstChunk < chunks.count }

            mutating func popChunk() -> [UInt8] {
                let chunk = chunks[firstChunk]
                chunks[firstChunk] = []
                firstChunk += 1
                bufferedBytes -= chunk.count
                if firstChunk == chunks.count {
                    chunks.removeAll(keepingCapacity: true)
                    firstChunk = 0
                }
                return chunk
            }
        }

        /// Above this many buffered bytes the write callback pauses the transfer: a slow
        /// consumer holds back the upstream socket instead of growing our memory.
        static let highWatermark = 512 * 1024
        /// A paused transfer resumes once the consumer has drained the buffer to this.
        static let lowWatermark = 64 * 1024

        private(set) var state: State = .awaitingHead(nil)

        // MARK: - Consumer side

        enum InstallHeadAction {
            /// Hand the transfer to the driver; the head will come.
            case submit
            /// Already failed (cancelled before it started): throw this now, do not submit.
            case fail(any Error)
        }

        mutating func installHeadContinuation(_ continuation: CheckedContinuation<Head, any Error>) -> InstallHeadAction {
            switch state {
            case .awaitingHead(nil):
                state = .awaitingHead(continuation)
                return .submit
            case .failedBeforeHead(let error):
                return .fail(error)
            case .awaitingHead(.some), .streaming, .finished, .cancelled:
                preconditionFailure("the head of a transfer is awaited once, before anything else")
            }
        }

        enum NextAction {
            case deliver([UInt8], resumeTransfer: Bool)
            case end
            case fail(any Error)
            /// Nothing buffered: suspend (only returned by `poll`).
            case wait
        }

        /// Takes a buffered chunk or the end without suspending, if one is there.
        mutating func pollNext() -> NextAction {
            switch state {
            case .streaming(var streaming):
                if streaming.hasBufferedChunk {
                    let chunk = streaming.popChunk()
                    let resume = streaming.paused && streaming.bufferedBytes <= Self.lowWatermark
                    if resume { streaming.paused = false }
                    state = .streaming(streaming)
                    return .deliver(chunk, resumeTransfer: resume)
                }
                switch streaming.end {
                case .none:
                    return .wait
                case .success:
                    state = .finished
                    return .end
                case .failure(let error):
                    state = .finished
                    return .fail(error)
                }
            case .finished:
                return .end
            case .cancelled:
                return .fail(CancellationError())
            case .failedBeforeHead(let error):
                return .fail(error)
            case .awaitingHead:
                preconditionFailure("the body is read only after the head arrived")
            }
        }

        /// Like `pollNext`, but stores the continuation instead of returning `.wait`.
        mutating func next(_ continuation: CheckedContinuation<[UInt8]?, any Error>) -> NextAction {
            let action = pollNext()
            guard case .wait = action, case .streaming(var streaming) = state else { return action }
            precondition(streaming.waiter == nil, "UpstreamBody is single-consumer: one next() at a time")
            streaming.waiter = continuation
            state = .streaming(streaming)
            return .wait
        }

        enum CancelAction {
            case none
            /// Resume the stored continuation with the error, and have the driver drop the handle.
            case failHead(CheckedContinuation<Head, any Error>, any Error)
            case failBodyWaiter(CheckedContinuation<[UInt8]?, any Error>?, removeTransfer: Bool)
            /// Not started yet: nothing to resume, but the driver may already hold the handle.
            case removeTransfer
        }

        /// The consumer went away (task cancelled, body dropped) or the driver stopped.
        mutating func cancel(_ error: any Error) -> CancelAction {
            switch state {
            case .awaitingHead(let continuation):
                state = .failedBeforeHead(error)
                if let continuation { return .failHead(continuation, error) }
                return .removeTransfer
            case .streaming(let streaming):
                state = .cancelled
                return .failBodyWaiter(streaming.waiter, removeTransfer: streaming.end == nil)
            case .failedBeforeHead, .finished, .cancelled:
                return .none
            }
        }

        // MARK: - Driver side

        mutating func headArrived(_ head: Head) -> CheckedContinuation<Head, any Error>? {
            guard case .awaitingHead(let continuation) = state else { return nil }
            state = .streaming(Streaming(status: head.status))
            return continuation
        }

        enum BodyBytesAction {
            case accepted
            case acceptedAndDelivered(CheckedContinuation<[UInt8]?, any Error>)
            /// Return `CURL_WRITEFUNC_PAUSE`: curl keeps the bytes and re-delivers them on resume.
            case pause
            /// Nobody will read them: return 0 so curl aborts the transfer.
            case abort
        }

        mutating func bodyBytes(_ bytes: [UInt8]) -> BodyBytesAction {
            guard case .streaming(var streaming) = state else {
                return .abort
            }
            if let waiter = streaming.waiter {
                streaming.waiter = nil
                state = .streaming(streaming)
                return .acceptedAndDelivered(waiter)
            }
            if streaming.bufferedBytes >= Self.highWatermark {
                streaming.paused = true
                state = .streaming(streaming)
                return .pause
            }
            streaming.chunks.append(bytes)
            streaming.bufferedBytes += bytes.count
            state = .streaming(streaming)
            return .accepted
        }

        enum CompletionAction {
            case none
            case failHead(CheckedContinuation<Head, any Error>, any Error)
            case finishBodyWaiter(CheckedContinuation<[UInt8]?, any Error>, Result<Void, UpstreamError>)
        }

        /// curl finished the transfer (or the driver aborted it). `beforeHead` is the error to
        /// throw from `send` if no head had arrived; `afterHead` ends the body.
        mutating func completed(beforeHead: AttemptFailure, afterHead: Result<Void, UpstreamError>) -> CompletionAction {
            switch state {
            case .awaitingHead(let continuation):
                state = .failedBeforeHead(beforeHead)
                if let continuation { return .failHead(continuation, beforeHead) }
                return .none
            case .streaming(var streaming):
                if let waiter = streaming.waiter {
                    state = .finished
                    return .finishBodyWaiter(waiter, afterHead)
                }
                streaming.end = afterHead
                state = .streaming(streaming)
                return .none
            case .failedBeforeHead, .finished, .cancelled:
                return .none
            }
        }

        /// Whether the driver should still enforce the first-byte deadline: no head yet, or a
        /// non-2xx head whose error body is still arriving (it decides a retry, so it belongs to
        /// the time before a usable first byte).
        var isBeforeUsableHead: Bool {
            switch state {
            case .awaitingHead:
                return true
            case .streaming(let streaming):
                return !(200..<300).contains(streaming.status) && streaming.end == nil
            case .failedBeforeHead, .finished, .cancelled:
                return false
            }
        }

        /// A 2xx body is arriving and we have not paused it: silence here is the upstream's.
        var isReceivingBody: Bool {
            guard case .streaming(let streaming) = state else { return false }
            return (200..<300).contains(streaming.status) && streaming.end == nil && !streaming.paused
        }

        var hasHead: Bool {
            switch state {
            case .awaitingHead, .failedBeforeHead: return false
            case .streaming, .finished, .cancelled: return true
            }
        }
    }
}
