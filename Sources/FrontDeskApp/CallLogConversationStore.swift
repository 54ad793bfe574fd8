import Foundation
import Logging
import OpenAIWire
import SQLiteStore
import Agent
import Reception
import SQLiteStore
import Scheduling
import Synchronization

/// Keeps conversations in the calendar file's call log, off the caller's path: `record` only
/// queues the turn, and `run` writes queued turns in batches. A transcript write therefore
/// never makes a caller wait, even while another process holds the database's write lock.
///
/// Turns still queued are visible to `rememberedTurns`, so the next turn's memory never
/// depends on how far the writer has got.
public final class CallLogConversationStore: ConversationStore {
    private struct State {
        var queued: [ConversationTurn] = []
        /// The batch being written: no longer queued, not yet readable from the file.
        var writing: [ConversationTurn] = []
    }

    let log: CallLog
    let logger: Logger
    let capacity: Int
    /// Where batches are written: the write may wait for another process's lock, which must
    /// not hold a thread of Swift's cooperative pool.
    let executor: (any TaskExecutor)?
    private let state = Mutex(State())
    private let wakeUps: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation

    /// - Parameter capacity: turns kept queued while the file cannot be written; beyond it the
    ///   oldest are dropped (and logged) rather than growing without bound.
    public init(log: CallLog, logger: Logger, capacity: Int = 10_000, executor: (any TaskExecutor)? = nil) {
        self.log = log
        self.logger = logger
        self.capacity = capacity
        self.executor = executor
        // Wake-ups coalesce: one pending signal is enough to make the writer take everything.
        (wakeUps, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func record(_ turn: ConversationTurn) {
        let dropped = state.withLock { state -> Int in
            state.queued.append(turn)
            let excess = state.queued.count - capacity
            guard excess > 0 else { return 0 }
            state.queued.removeFirst(excess)
            return excess
        }
        if dropped > 0 {
            logger.error("call log is not keeping up; dropped the oldest queued turns", metadata: ["dropped": "\(dropped)"])
        }
        wakeUp.yield()
    }

    public func rememberedTurns(conversationID: String, before position: Int) async -> [ConversationTurn] {
        // Pending first, file second: a batch committed in between is then seen twice (harmless,
        // the splice keeps one turn per position) rather than not at all.
        let pending = state.withLock { state in
            (state.writing + state.queued).filter {
                $0.conversationID == conversationID && $0.isRemembered && $0.anchor.position < position
            }
        }
        // Read off Swift's cooperative pool: the read is quick in WAL mode, but it is still a
        // blocking call on a file another process may be checkpointing.
        let stored = await withTaskExecutorPreference(executor) { () -> [ConversationTurn] in
            do {
                return try log.rememberedTurns(conversationID: conversationID, before: position).compactMap(Self.turn(from:))
            } catch {
                logger.error("could not read the call log", metadata: ["error": "\(error)"])
                return []
            }
        }
        return stored + pending
    }

    /// Writes queued turns until `finish` is called, then writes what is left and returns.
    public func run() async {
        await withTaskExecutorPreference(executor) {
            for await _ in wakeUps { flush() }
            flush()
        }
    }

    /// Ends `run` once everything queued so far is written (graceful shutdown).
    public func finish() { wakeUp.finish() }

    /// Writes everything queued now, in one transaction.
    public func flush() {
        let batch = state.withLock { state -> [ConversationTurn] in
            state.writing = state.queued
            state.queued.removeAll(keepingCapacity: true)
            return state.writing
        }
        guard !batch.isEmpty else { return }
        do {
            try log.append(batch.map(Self.record(from:)))
        } catch {
            logger.error("could not write the call log", metadata: ["turns": "\(batch.count)", "error": "\(error)"])
        }
        state.withLock { $0.writing.removeAll(keepingCapacity: true) }
    }

    // MARK: - Conversion

    /// Most characters of a turn's caller text, answer or error the log keeps; the rest is cut
    /// with a note of how much (a 100 MB streamed answer must not become a 100 MB row).
    static let maxStoredText = 16 * 1024

    static func record(from turn: ConversationTurn) -> CallTurnRecord {
        CallTurnRecord(
            conversationID: turn.conversationID, telephonyCallID: turn.telephonyCallID, caller: turn.callerNumber,
            persona: turn.persona, requestID: turn.requestID, anchorPosition: turn.anchor.position,
            anchorDigest: turn.anchor.digest, callerText: turn.callerText?.bounded(Self.maxStoredText),
            internalMessages: JSONValue.array(turn.internalMessages.map(\.json)).jsonString,
            answer: turn.answer?.bounded(Self.maxStoredText),
            clientToolCalls: JSONValue.array(turn.clientToolCalls.map(\.json)).jsonString, finishReason: turn.finishReason,
            error: turn.error?.bounded(Self.maxStoredText), streamed: turn.streamed, startedAt: turn.startedAt,
            durationMilliseconds: turn.duration.elapsedMilliseconds, patientID: turn.identity.patientID,
            failedVerifications: turn.identity.failedVerifications, businessRule: turn.businessRule, calledNumber: turn.calledNumber, toolAudit: turn.toolAudit,
            interventions: JSONValue.array(turn.interventions.map {
                ["kind": .string($0.kind.rawValue), "text": .string($0.text)]
            }).jsonString)
    }

    /// The stored turn, or nil when its JSON no longer parses (then it is skipped, not fatal).
    static func turn(from record: CallTurnRecord) -> ConversationTurn? {
        guard case .array(let messages)? = try? JSONValue(parsing: record.internalMessages) else { return nil }
        var rounds: [ChatMessage] = []
        for (index, json) in messages.enumerated() {
            guard let message = try? ChatMessage(json: json, param: "internal_messages[\(index)]") else { return nil }
            rounds.append(message)
        }
        return ConversationTurn(
            conversationID: record.conversationID, telephonyCallID: record.telephonyCallID, callerNumber: record.caller,
            persona: record.persona, requestID: record.requestID,
            anchor: TranscriptAnchor(position: record.anchorPosition, digest: record.anchorDigest),
            callerText: record.callerText, internalMessages: rounds, answer: record.answer, clientToolCalls: [],
            finishReason: record.finishReason, error: record.error, streamed: record.streamed, startedAt: record.startedAt,
            duration: .milliseconds(record.durationMilliseconds),
            identity: TurnIdentity.State(patientID: record.patientID, failedVerifications: record.failedVerifications))
    }
}
