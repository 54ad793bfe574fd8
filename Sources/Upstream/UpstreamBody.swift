import Synchronization

/// A response body as an async sequence of byte chunks, in the sizes curl's write callback
/// delivered them, available as soon as they arrive.
///
/// Single-pass and single-consumer. Throws `UpstreamError.aborted` / `.timeout(.total)` if the
/// transfer fails mid-body: a broken stream never looks like a clean end. Cancelling the
/// consuming task, or dropping the body and every iterator, cancels the curl transfer.
/// Backpressure: when the reader falls behind by more than 512 KiB, curl stops reading the
/// socket until the reader catches up.
public struct UpstreamBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    /// Thrown by `collect(upTo:)` when the body is larger than allowed (the transfer is cancelled).
    public struct TooLargeError: Error, Sendable, Equatable {
        public let limit: Int
    }

    private let source: Source

    init(transfer: CurlTransfer) {
        source = Source(transfer: transfer)
    }

    /// A body with fixed contents, for fakes of the upstream in other modules' tests.
    public init(chunks: [[UInt8]]) {
        source = Source(chunks: chunks)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: source)
    }

    /// Reads the whole body. Throws `TooLargeError` past `maxBytes`, or what the stream throws.
    public func collect(upTo maxBytes: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in self {
            guard bytes.count + chunk.count <= maxBytes else {
                source.cancel()
                throw TooLargeError(limit: maxBytes)
            }
            bytes += chunk
        }
        return bytes
    }

    /// Reads up to `maxBytes`, dropping the rest: for error bodies, where a prefix is enough.
    func collectTruncating(upTo maxBytes: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in self {
            bytes += chunk.prefix(maxBytes - bytes.count)
            if bytes.count >= maxBytes {
                source.cancel()
                break
            }
        }
        return bytes
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let source: Source

        public mutating func next() async throws -> [UInt8]? {
            try await source.next()
        }
    }

    /// Shared by the body and its iterators; when the last of them goes, so does the transfer.
    fileprivate final class Source: Sendable {
        /// Streams from curl when set; otherwise the body is `fixed`.
        private let transfer: CurlTransfer?
        private let fixed: Mutex<ArraySlice<[UInt8]>>

        init(transfer: CurlTransfer) {
            self.transfer = transfer
            self.fixed = Mutex([])
        }

        init(chunks: [[UInt8]]) {
            self.transfer = nil
            self.fixed = Mutex(chunks[...])
        }

        deinit {
            cancel()
        }

        func next() async throws -> [UInt8]? {
            if let transfer {
                return try await transfer.nextChunk()
            }
            try Task.checkCancellation()
            return fixed.withLock { $0.popFirst() }
        }

        func cancel() {
            transfer?.cancel()
        }
    }
}
