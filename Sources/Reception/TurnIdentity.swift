import Synchronization

/// Who one turn acts for, shared by the turn's tool calls (which run in parallel).
///
/// It starts from what the turn's conversation established in the turns this history
/// continues (see `TranscriptAnchor.continued`), and the turn's record hands it on to the next.
/// That is the only way a verification outlives its turn: never by a conversation id alone,
/// which two callers whose calls merely start alike can share (A9), and never by time.
public final class TurnIdentity: Sendable {
    public struct State: Sendable, Equatable {
        /// The patient verified or registered in this conversation, if any.
        public var patientID: Int64?
        /// Failed verifications in this conversation so far, including attempts still running.
        public var failedVerifications: Int

        public init(patientID: Int64? = nil, failedVerifications: Int = 0) {
            self.patientID = patientID
            self.failedVerifications = failedVerifications
        }
    }

    private let state: Mutex<State>

    public init(_ state: State = State()) {
        self.state = Mutex(state)
    }

    public var current: State { state.withLock { $0 } }

    func bind(patientID: Int64) {
        state.withLock { $0.patientID = patientID }
    }

    /// Counts an attempt before it runs, so parallel calls cannot all pass the limit; false
    /// (nothing counted) when the conversation's limit is reached.
    func reserveAttempt(limit: Int) -> Bool {
        state.withLock { state in
            guard state.failedVerifications < limit else { return false }
            state.failedVerifications += 1
            return true
        }
    }

    /// Takes back a reserved attempt that did not fail (a verification, or one never made).
    func releaseAttempt() {
        state.withLock { $0.failedVerifications = max(0, $0.failedVerifications - 1) }
    }
}
