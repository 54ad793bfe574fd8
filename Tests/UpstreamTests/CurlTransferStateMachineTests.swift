import Testing
@testable import Upstream

/// The transfer lifecycle without sockets: backpressure and the end of a body.
@Suite("CurlTransfer.StateMachine")
struct CurlTransferStateMachineTests {
    typealias Machine = CurlTransfer.StateMachine

    /// A machine past its head: continuations cannot be made without a task, so the head is
    /// awaited for real and resumed by `headArrived`.
    static func streamingMachine() async throws -> Machine {
        var machine = Machine()
        let head = CurlTransfer.Head(status: 200, headers: [])
        _ = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<CurlTransfer.Head, any Error>) in
            guard case .submit = machine.installHeadContinuation(continuation) else {
                Issue.record("expected .submit")
                return
            }
            machine.headArrived(head)?.resume(returning: head)
        }
        return machine
    }

    @Test func aFullBufferPausesTheTransferUntilTheReaderCatchesUp() async throws {
        var machine = try await Self.streamingMachine()
        let chunk = [UInt8](repeating: 1, count: 128 * 1024)

        // Given a buffer filled to the high watermark
        for _ in 0..<(Machine.highWatermark / chunk.count) {
            guard case .accepted = machine.bodyBytes(chunk) else { Issue.record("expected .accepted"); return }
        }
        // Then the next bytes are refused with a pause (curl keeps them)
        guard case .pause = machine.bodyBytes(chunk) else { Issue.record("expected .pause"); return }

        // When the reader drains to the low watermark, exactly that read asks to resume
        var resumes = 0
        while case .deliver(_, let resume) = machine.pollNext() {
            if resume { resumes += 1 }
        }
        #expect(resumes == 1)
    }

    @Test func bufferedBytesAreDeliveredBeforeAMidStreamFailure() async throws {
        var machine = try await Self.streamingMachine()
        _ = machine.bodyBytes([1, 2, 3])
        let failure = AttemptFailure(error: .unreachable(description: "x"), disposition: .retrySameURL)
        _ = machine.completed(beforeHead: failure, afterHead: .failure(.aborted(description: "reset")))

        guard case .deliver([1, 2, 3], _) = machine.pollNext() else { Issue.record("expected the bytes first"); return }
        guard case .fail(let error) = machine.pollNext() else { Issue.record("expected the failure"); return }
        #expect(error as? UpstreamError == .aborted(description: "reset"))
        guard case .end = machine.pollNext() else { Issue.record("expected the end after the failure"); return }
    }

    @Test func cancellingBeforeTheHeadIsAwaitedFailsTheWaitWithoutSubmitting() async throws {
        var machine = Machine()
        guard case .removeTransfer = machine.cancel(CancellationError()) else { Issue.record("expected .removeTransfer"); return }

        await #expect(throws: CancellationError.self) {
            _ = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<CurlTransfer.Head, any Error>) in
                switch machine.installHeadContinuation(continuation) {
                case .submit: Issue.record("must not submit a cancelled transfer")
                case .fail(let error): continuation.resume(throwing: error)
                }
            }
        }
    }
}
