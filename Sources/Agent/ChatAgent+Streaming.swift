import Logging
import OpenAIWire

extension ChatAgent {
    /// Starts a streaming turn. Returns once the upstream has accepted the first round, so
    /// everything that can fail before any byte is sent (unknown persona, upstream refusal,
    /// timeout) still becomes a proper HTTP error; after that only `AgentStream.run` reports.
    public func stream(_ turn: ChatTurn, logger: Logger) async throws(AgentError) -> AgentStream {
        let started = ContinuousClock.now
        let state = try await prepare(turn, logger: logger)
        let asked = ContinuousClock.now
        let first = try await upstream.stream(
            state.upstreamBody(stream: true), credential: turn.upstreamCredential, deadline: state.deadline, logger: logger)
        let head = ContinuousClock.now - asked
        AgentMetrics.upstreamFirstByte(head)
        return AgentStream(
            agent: self, state: state, first: first, credential: turn.upstreamCredential, logger: logger,
            firstWord: FirstWordClock(started: started, asked: asked, waited: head))
    }
}

/// A streaming turn whose first upstream round is open. `run` relays it to the client as one
/// coherent stream (one id) across every internal tool round.
public struct AgentStream: Sendable {
    let agent: ChatAgent
    var state: TurnState
    let first: UpstreamChunks
    let credential: String?
    let logger: Logger
    let firstWord: FirstWordClock

    /// Relays the turn, calling `emit` for every chunk the client should get, in order.
    /// Awaiting `emit` is the backpressure: a slow client slows the relay, not memory.
    /// - Throws: `AgentError` when the upstream fails mid-turn (the caller then sends an SSE
    ///   error event), or whatever `emit` throws when the client has gone away.
    public func run(_ emit: (ChatCompletionChunk) async throws -> Void) async throws {
        var state = self.state
        var spokenText = ""
        var firstWord = self.firstWord
        do {
            let (clientCalls, reason) = try await relay(&state, spokenText: &spokenText, firstWord: &firstWord) { chunk in
                do { try await emit(chunk) } catch { throw ClientWentAway(underlying: error) }
            }
            agent.conversations?.record(state.conversationTurn(
                answer: spokenText.isEmpty ? nil : spokenText, clientToolCalls: clientCalls, finishReason: reason,
                error: nil, streamed: true))
        } catch {
            // Kept too: what the caller heard before it ended, and the tools that already ran. A
            // client that closes the stream (a caller talking over the voice makes the telephony
            // provider do that) is an interrupted turn, not a failed one: staff should not be
            // asked to look at every barge-in, nor read "I/O on closed channel".
            let gone = error as? ClientWentAway
            let interrupted = gone != nil || error is CancellationError
            agent.conversations?.record(state.conversationTurn(
                answer: spokenText.isEmpty ? nil : spokenText, clientToolCalls: [],
                finishReason: interrupted ? ConversationTurn.interrupted : nil,
                error: interrupted ? nil : String(describing: error), streamed: true))
            throw gone?.underlying ?? error
        }
    }

    /// What `emit` threw, kept apart from the upstream's failures: a closed client is neither an
    /// upstream error (for the metrics and the log) nor a reason to write an error event.
    private struct ClientWentAway: Error {
        let underlying: any Error
    }

    /// The relay itself; returns the client tool calls handed back and the finish reason.
    private func relay(
        _ state: inout TurnState, spokenText: inout String, firstWord: inout FirstWordClock,
        emit: (ChatCompletionChunk) async throws -> Void
    ) async throws -> ([ToolCall], String) {
        try await emit(state.chunk(.init(role: "assistant", content: "")))
        var usage: Usage?
        var chunks = first
        var round = 0
        var speech = state.speechGuard()
        var corrected = false
        var retriedSilentFailure = false
        /// Says what the guard let through.
        func say(_ words: String) async throws {
            guard !words.isEmpty else { return }
            var words = words
            // A new round (after a withheld claim) starts where the last words ended.
            if let last = spokenText.last, !last.isWhitespace, words.first?.isWhitespace == false { words = " " + words }
            spokenText += words
            firstWord.speaking()
            try await emit(state.chunk(.init(content: words)))
        }
        /// The next upstream round with the messages as they are now.
        func askAgain() async throws {
            let asked = ContinuousClock.now
            chunks = try await agent.upstream.stream(
                state.upstreamBody(stream: true), credential: credential, deadline: state.deadline, logger: logger)
            firstWord.waitedOnUpstream(since: asked)
        }
        while true {
            var assembler = ToolCallAssembler()
            var text = ""
            var finishReason: String?
            do {
                var iterator = chunks.makeAsyncIterator()
                while true {
                    // Timed only until the first words: no clock reads on every later chunk.
                    let waitStarted = firstWord.isTiming ? ContinuousClock.now : nil
                    guard let chunk = try await iterator.next() else { break }
                    if let waitStarted { firstWord.waitedOnUpstream(since: waitStarted) }
                    if let roundUsage = chunk.usage { usage = (usage ?? Usage()) + roundUsage }
                    if let delta = chunk.delta {
                        if round == 0, !(delta.content ?? "").isEmpty || !delta.toolCalls.isEmpty { firstWord.upstreamFirstToken() }
                        if let content = delta.content, !content.isEmpty {
                            text += content
                            firstWord.modelWords()
                            try await say(speech.feed(content) { state.evidence })
                        }
                        for call in delta.toolCalls {
                            assembler.add(call)
                            // The caller would otherwise hear silence while the model writes the
                            // call's arguments and the tools run: speak the filler as soon as
                            // one of our tools is named, not after the round.
                            if let name = call.name, !state.clientToolNames.contains(name) {
                                try await sayFiller(state: state, speech: &speech, spokenText: &spokenText, firstWord: &firstWord, emit: emit)
                            }
                        }
                    }
                    if let reason = chunk.finishReason { finishReason = reason }
                }
            } catch let error as AgentError {
                // A round that failed before saying or calling anything is asked once more: a
                // small model's malformed tool call makes llama.cpp fail the stream, and a fresh
                // sample usually parses. Once a turn, within its deadline.
                if case .upstreamInterrupted = error, !retriedSilentFailure, text.isEmpty, assembler.isEmpty,
                   ContinuousClock.now < state.deadline
                {
                    retriedSilentFailure = true
                    logger.warning("upstream failed mid-stream before any words; asking once more", metadata: ["error": "\(error)"])
                    // A model that reached for a tool outside its stage gets them all this time:
                    // llama.cpp fails a call to a tool it was not offered, and FrontDesk runs any.
                    if state.stage != nil { state.offerEveryTool() }
                    try await askAgain()
                    continue
                }
                try await say(speech.endOfRound { state.evidence })
                throw error
            } catch let gone as ClientWentAway {
                throw gone
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // What the model said before the failure is said still (a claim only if backed).
                try await say(speech.endOfRound { state.evidence })
                throw AgentError.upstreamInterrupted("The upstream stream failed: \(error)")
            }

            try await say(speech.endOfRound { state.evidence })
            let calls = assembler.calls(idPrefix: "call_\(state.id.suffix(8))_")
            // A stream of `choices: []` (or nothing) then [DONE] answered nothing: an error, as
            // the JSON path treats a completion without choices, never an empty success.
            if finishReason == nil, text.isEmpty, calls.isEmpty {
                throw AgentError.upstreamInterrupted("The upstream stream ended without an answer.")
            }
            let (ours, client) = agent.tools.partition(calls, clientTools: state.clientToolNames)
            if ours.isEmpty, let withheld = speech.withheld {
                state.intervened(speech.takeInterventions() + [SpeechIntervention(kind: .unkeptClaim, text: withheld)])
                // Once, and only while there is time and a round to spare: ask again, telling
                // the model nothing changed. A client call (a transfer) goes ahead without it.
                if client.isEmpty, !corrected, round < agent.configuration.maxToolRounds, ContinuousClock.now < state.deadline {
                    corrected = true
                    state.intervened([.correctiveRound])
                    state.messages.append(.assistant(text, toolCalls: []))
                    state.messages.append(.system(ChatAgent.correction(withheld: withheld, heard: spokenText)))
                    speech.startRound()
                    try await askAgain()
                    round += 1
                    continue
                }
                if client.isEmpty {
                    state.intervened([.safeLine(state.persona.safeLine)])
                    try await say(state.persona.safeLine)
                }
            }
            state.intervened(speech.takeInterventions())
            if ours.isEmpty {
                try await emitClientCalls(client, state: state, emit: emit)
                let reason = client.isEmpty ? (finishReason ?? "stop") : "tool_calls"
                try await finish(reason, usage: usage, state: state, emit: emit)
                return (client, reason)
            }
            if round >= agent.configuration.maxToolRounds {
                logger.warning("tool rounds exhausted", metadata: ["rounds": "\(round)"])
                firstWord.speaking()
                return try await sayFallback(state: state, spokenText: &spokenText, usage: usage, emit: emit)
            }
            // When the call's name came in no fragment of its own (or the model spoke first), now.
            try await sayFiller(state: state, speech: &speech, spokenText: &spokenText, firstWord: &firstWord, emit: emit)
            let answer = ChatCompletion(
                id: state.id, created: state.created, model: state.responseModel, content: text.isEmpty ? nil : text,
                toolCalls: calls, finishReason: "tool_calls")
            let toolsStarted = ContinuousClock.now
            await state.runTools(ours, alongside: answer, tools: agent.tools)
            firstWord.waitedOnTools(since: toolsStarted)
            // Words said alongside the calls ("You're booked!") may be backed by them now.
            try await say(speech.reconsider { state.evidence })
            if let withheld = speech.withheld {
                corrected = true
                state.intervened([SpeechIntervention(kind: .unkeptClaim, text: withheld),
                                  .correctiveRound])
                state.messages.append(.system(ChatAgent.correction(withheld: withheld, heard: spokenText)))
                speech.startRound()
            }
            if !client.isEmpty {
                try await emitClientCalls(client, state: state, emit: emit)
                try await finish("tool_calls", usage: usage, state: state, emit: emit)
                return (client, "tool_calls")
            }
            if ContinuousClock.now >= state.deadline {
                // No time for another round: the caller hears the fallback, not silence.
                logger.warning("turn deadline reached after a tool round", metadata: ["rounds": "\(round)"])
                firstWord.speaking()
                return try await sayFallback(state: state, spokenText: &spokenText, usage: usage, emit: emit)
            }
            try await askAgain()
            round += 1
        }
    }

    /// The persona's filler, once, and only before anything else was said (texts get none).
    private func sayFiller(
        state: TurnState, speech: inout SpeechGuard, spokenText: inout String, firstWord: inout FirstWordClock,
        emit: (ChatCompletionChunk) async throws -> Void
    ) async throws {
        guard spokenText.isEmpty, state.channel != "sms", let filler = state.persona.filler else { return }
        speech.fillerSaid = true
        firstWord.speaking()
        spokenText += filler + " "
        try await emit(state.chunk(.init(content: filler + " ")))
    }

    /// Ends the turn with the persona's fallback (out of rounds or out of time).
    private func sayFallback(
        state: TurnState, spokenText: inout String, usage: Usage?, emit: (ChatCompletionChunk) async throws -> Void
    ) async throws -> ([ToolCall], String) {
        let fallback = (spokenText.last.map { $0.isWhitespace } ?? true ? "" : " ") + state.persona.fallback
        spokenText += fallback
        try await emit(state.chunk(.init(content: fallback)))
        try await finish("stop", usage: usage, state: state, emit: emit)
        return ([], "stop")
    }

    private func emitClientCalls(_ calls: [ToolCall], state: TurnState, emit: (ChatCompletionChunk) async throws -> Void) async throws {
        guard !calls.isEmpty else { return }
        let deltas = calls.enumerated().map { index, call in
            ToolCallDelta(index: index, id: call.id, name: call.name, arguments: call.arguments)
        }
        try await emit(state.chunk(.init(toolCalls: deltas)))
    }

    private func finish(_ reason: String, usage: Usage?, state: TurnState, emit: (ChatCompletionChunk) async throws -> Void) async throws {
        if let usage { AgentMetrics.tokens(usage, model: state.upstreamModel) }
        try await emit(state.chunk(.init(), finishReason: reason))
        if state.request.includeUsage {
            try await emit(state.chunk(nil, usage: usage ?? Usage()))
        }
    }
}
