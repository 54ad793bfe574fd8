import Foundation
import Logging
import OpenAIWire
import Reception

/// Runs one turn of a call: renders the persona into the system message, asks the upstream
/// model, executes the model's calls to FrontDesk's own tools and asks again, until the model
/// answers in words or calls a tool the client must run.
///
/// `complete` serves JSON clients; `stream` (in `ChatAgent+Streaming`) serves voice, where
/// text goes out as soon as it arrives.
public final class ChatAgent: Sendable {
    let personas: PersonaStore
    let prompts: PromptAssembler
    let upstream: any ChatUpstream
    let tools: ToolRegistry
    let configuration: AgentConfiguration
    let conversations: (any ConversationStore)?
    let now: @Sendable () -> Date

    /// - Parameter conversations: where turns are kept and tool rounds remembered; nil keeps
    ///   nothing (each turn then sees only what the client sent).
    public init(
        personas: PersonaStore, prompts: PromptAssembler, upstream: any ChatUpstream, tools: ToolRegistry,
        configuration: AgentConfiguration, conversations: (any ConversationStore)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.personas = personas
        self.prompts = prompts
        self.upstream = upstream
        self.tools = tools
        self.configuration = configuration
        self.conversations = conversations
        self.now = now
    }

    /// The names a client can select through `model` (`frontdesk/<persona>`).
    public func modelIDs() -> [String] { personas.names().map { "frontdesk/\($0)" } }

    /// The system message a turn would get right now: what `frontdesk persona render` prints.
    /// - Parameter callerWords: as if the caller had just said this (a knowledge match shows).
    public func renderSystemMessage(
        persona name: String, callerNumber: String?, callerWords: String? = nil, logger: Logger
    ) async throws(AgentError) -> String {
        try await prompts.render(personas.persona(named: name), now: now(), callerNumber: callerNumber, callerWords: callerWords, logger: logger)
    }

    /// Answers a turn as one `chat.completion`.
    public func complete(_ turn: ChatTurn, logger: Logger) async throws(AgentError) -> ChatCompletion {
        let started = ContinuousClock.now
        var state = try await prepare(turn, logger: logger)
        do {
            var waited = Duration.zero
            let completion = try await runRounds(&state, credential: turn.upstreamCredential, waited: &waited, logger: logger)
            // FrontDesk's own share of the turn: everything but waiting for the upstream and the tools.
            AgentMetrics.overhead(ContinuousClock.now - started - waited, streamed: false)
            if let usage = completion.usage { AgentMetrics.tokens(usage, model: state.upstreamModel) }
            conversations?.record(state.conversationTurn(
                answer: completion.content, clientToolCalls: completion.toolCalls, finishReason: completion.finishReason,
                error: nil, streamed: false))
            return completion
        } catch {
            conversations?.record(state.conversationTurn(
                answer: nil, clientToolCalls: [], finishReason: nil, error: String(describing: error), streamed: false))
            throw error
        }
    }

    /// - Parameter waited: time spent waiting for the upstream and the tools, added up.
    private func runRounds(
        _ state: inout TurnState, credential: String?, waited: inout Duration, logger: Logger
    ) async throws(AgentError) -> ChatCompletion {
        var usage: Usage?
        var round = 0
        var corrected = false
        while true {
            let asked = ContinuousClock.now
            let answer = try await upstream.complete(
                state.upstreamBody(stream: false), credential: credential, deadline: state.deadline, logger: logger)
            waited += ContinuousClock.now - asked
            if let roundUsage = answer.usage { usage = (usage ?? Usage()) + roundUsage }
            let (ours, client) = tools.partition(answer.toolCalls, clientTools: state.clientToolNames)
            if ours.isEmpty {
                // The same guard as the spoken path: what the answer claims must be backed.
                var speech = state.speechGuard()
                var content = answer.content.map { speech.feed($0) { state.evidence } + speech.endOfRound { state.evidence } }
                state.intervened(speech.takeInterventions())
                if let withheld = speech.withheld {
                    state.intervened([SpeechIntervention(kind: .unkeptClaim, text: withheld)])
                    if client.isEmpty, !corrected, round < configuration.maxToolRounds, ContinuousClock.now < state.deadline {
                        corrected = true
                        state.intervened([.correctiveRound])
                        state.messages.append(.assistant(answer.content, toolCalls: []))
                        state.messages.append(.system(Self.correction(withheld: withheld, heard: "")))
                        round += 1
                        continue
                    }
                    if client.isEmpty {
                        state.intervened([.safeLine(state.persona.safeLine)])
                        content = [content ?? "", state.persona.safeLine].filter { !$0.isEmpty }.joined(separator: " ")
                    }
                }
                return state.completion(content: content, toolCalls: client, refusal: answer.refusal,
                                        finishReason: client.isEmpty ? answer.finishReason : "tool_calls", usage: usage)
            }
            if round >= configuration.maxToolRounds {
                logger.warning("tool rounds exhausted", metadata: ["rounds": "\(round)"])
                return state.completion(content: state.persona.fallback, toolCalls: [], refusal: nil, finishReason: "stop", usage: usage)
            }
            let toolsStarted = ContinuousClock.now
            await state.runTools(ours, alongside: answer, tools: tools)
            waited += ContinuousClock.now - toolsStarted
            if !client.isEmpty {
                return state.completion(content: answer.content, toolCalls: client, refusal: nil, finishReason: "tool_calls", usage: usage)
            }
            if ContinuousClock.now >= state.deadline {
                // No time for another round: say the fallback rather than let the caller wait.
                logger.warning("turn deadline reached after a tool round", metadata: ["rounds": "\(round)"])
                return state.completion(content: state.persona.fallback, toolCalls: [], refusal: nil, finishReason: "stop", usage: usage)
            }
            round += 1
        }
    }

    /// Everything a turn decides before its first upstream call.
    func prepare(_ turn: ChatTurn, logger: Logger) async throws(AgentError) -> TurnState {
        let persona = try personas.persona(named: turn.personaName ?? configuration.defaultPersona)
        let date = now()
        let conversationID = ConversationKey.make(callID: turn.callID, callerNumber: turn.callerNumber, messages: turn.request.messages)
        // The conversation's earlier turns are read while the prompt renders: both wait on
        // SQLite off the cooperative pool, and a caller should wait for one read, not two.
        async let remembered = conversations?.rememberedTurns(
            conversationID: conversationID, before: TranscriptAnchor.position(of: turn.request.messages)) ?? []
        // The caller's latest words: a strong match in the business's documents joins the live context.
        let callerWords = turn.request.messages.last(where: { $0.role == .user })?.text
        let prompt = try await prompts.renderParts(
            persona, now: date, callerNumber: turn.callerNumber, callerWords: callerWords, channel: turn.channel, logger: logger)
        var system = prompt.stable
        if turn.reminderID != nil { system += "\n\n" + Self.reminderCallGuidance }

        // Without a call id the key is only a fingerprint of how the call began: our answers
        // must then match too before anything of an earlier turn is handed on (A9).
        let includesAnswers = turn.callID?.isEmpty ?? true
        var clientMessages = turn.request.messages
        var identity = TurnIdentity.State()
        var confirmable: [ChangeProposal] = []
        var earlierRounds: [ChatMessage] = []
        if conversations != nil {
            // The model must still know what its tools told it in earlier turns (the slots it
            // offered, the appointment id it booked); the client never saw those rounds. And a
            // caller verified earlier in this very conversation stays verified.
            let continued = TranscriptAnchor.continued(
                turn.request.messages, turns: await remembered, callerNumber: turn.callerNumber, includesAnswers: includesAnswers)
            clientMessages = TranscriptAnchor.splice(clientMessages, continued: continued)
            identity = TranscriptAnchor.inheritedIdentity(from: continued)
            confirmable = ChangeProposal.awaitingConfirmation(in: continued)
            earlierRounds = continued.flatMap(\.internalMessages)
        }
        // The client's copy of our answers holds the filler FrontDesk spoke; a model that reads
        // it there takes it for its own words and says it again (three times in one answer).
        if let filler = persona.filler { clientMessages = clientMessages.map { Self.withoutFiller($0, filler) } }

        let stage = persona.stages.isEmpty ? nil : CallStage.current(after: earlierRounds, stages: persona.stages)
        var messages = [ChatMessage.system(Self.system(system, stage: stage, stages: persona.stages))]
        for message in clientMessages {
            if configuration.personaMode == .replace, message.role == .system || message.role == .developer { continue }
            messages.append(message)
        }
        // Just before the caller's latest words: everything before it is what the call's
        // previous request began with (a tool round's next request only adds to the end), and
        // the model still answers the caller, not the context (a small model put last after
        // it read the context aloud).
        if let live = prompt.live {
            let position = messages.lastIndex { $0.role == .user } ?? messages.endIndex
            messages.insert(.system(live), at: max(1, position))
        }
        let clientTools = turn.request.tools
        let clientNames = Set(clientTools.map(\.name))
        // A client tool shadows ours of the same name: the client asked for it explicitly.
        // get_reminder_context and confirm_appointment are offered only on the reminder calls FrontDesk placed.
        let offTheCall: Set<String> = turn.reminderID == nil ? [GetReminderContextTool.name, ConfirmAppointmentTool.name] : []
        // Lookups the system message already answers are not offered (they still run if called):
        // every schema is read on every turn, and small models read slowly.
        let rendered = Set((turn.channel == "sms" ? persona.textTemplate : persona.template).placeholders)
        let answered = Set(Self.lookupsAnswered.filter { rendered.contains($0.key) }.map(\.value))
        let ourTools = tools.definitions(excluding: persona.disabledTools.union(clientNames).union(offTheCall).union(answered))
        return TurnState(
            id: "chatcmpl-" + Self.randomID(),
            created: Int(date.timeIntervalSince1970),
            deadline: ContinuousClock.now + configuration.turnDeadline,
            responseModel: turn.request.model ?? persona.model ?? configuration.upstreamModel,
            upstreamModel: persona.model ?? configuration.upstreamModel,
            messages: messages,
            tools: clientTools + Self.offered(ourTools, stage: stage, stages: persona.stages),
            clientToolNames: clientNames,
            persona: persona,
            channel: turn.channel,
            request: turn.request,
            context: ToolContext(conversationID: conversationID, callerNumber: turn.callerNumber, now: date, logger: logger,
                                 identity: TurnIdentity(identity), channel: turn.channel, reminderID: turn.reminderID,
                                 confirmable: confirmable, earlierHolds: ChangeProposal.holds(in: earlierRounds)),
            journal: TurnJournal(
                telephonyCallID: turn.callID, personaName: persona.name, requestID: turn.requestID,
                anchor: TranscriptAnchor(messages: turn.request.messages, callerNumber: turn.callerNumber, includesAnswers: includesAnswers),
                callerText: callerWords, startedAt: date,
                businessRule: turn.businessRule, calledNumber: turn.calledNumber),
            earlierRounds: earlierRounds,
            callerContext: prompt.callerLine,
            baseSystem: system, stage: stage, clientTools: clientTools, ourTools: ourTools)
    }

    /// The system message in a stage: the persona's, then the stage's own instructions.
    static func system(_ base: String, stage: CallStage?, stages: [CallStage]) -> String {
        guard let stage else { return base }
        return base + "\n\n" + stage.block(among: stages)
    }

    /// Our tools offered in a stage: its subset, and the tool that moves the call on.
    static func offered(_ ours: [ToolDefinition], stage: CallStage?, stages: [CallStage]) -> [ToolDefinition] {
        guard let stage else { return ours }
        let subset = stage.tools.map { names in ours.filter { names.contains($0.name) } } ?? ours
        return subset + [CallStage.changeTool(stages)]
    }

    /// The lookup tools whose answer a placeholder puts in the system message.
    static let lookupsAnswered: [String: String] = [
        "services": "get_services", "providers": "get_providers", "locations": "get_locations",
    ]

    /// An assistant message of the client's history without FrontDesk's filler in it.
    static func withoutFiller(_ message: ChatMessage, _ filler: String) -> ChatMessage {
        guard message.role == .assistant, let text = message.text, text.contains(filler) else { return message }
        var message = message
        message.content = .string(text.replacing(filler, with: "").trimmingCharacters(in: .whitespaces))
        return message
    }

    /// What the model is told when its answer claimed a change that no tool committed.
    static func correction(withheld: String, heard: String) -> String {
        let heardPart = heard.isEmpty ? "nothing yet" : "\"\(String(heard.suffix(300)))\""
        return """
            FrontDesk check: the caller did NOT hear "\(withheld.trimmingCharacters(in: .whitespaces))": no tool result in this \
            conversation shows that change, so it has not been made. The caller heard \(heardPart). Continue from there: if the \
            caller asked for the change, call the tool that makes it; otherwise say plainly what is still needed. Never say a \
            change was made unless a tool result shows it.
            """
    }

    /// What the assistant is told on a reminder call FrontDesk placed.
    static let reminderCallGuidance = """
        You placed this call: it is a reminder of the patient's appointment. Call get_reminder_context \
        first to learn which appointment, greet the patient by name and say why you are calling. Ask \
        whether they will come: if yes, confirm it with confirm_appointment; if they cannot, offer to \
        reschedule or cancel it with the tools, as they wish. Keep it short.
        """

    static func randomID() -> String {
        // Three draws of 64 bits, eight characters each: one getrandom per draw, not per character.
        var generator = SystemRandomNumberGenerator()
        var characters: [UInt8] = []
        characters.reserveCapacity(24)
        for _ in 0..<3 {
            var bits = generator.next()
            for _ in 0..<8 {
                characters.append(idAlphabet[Int(bits % UInt64(idAlphabet.count))])
                bits /= UInt64(idAlphabet.count)
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    private static let idAlphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
}

/// The evolving state of one turn across its tool rounds.
struct TurnState: Sendable {
    let id: String
    let created: Int
    /// The end of the turn across every round (`AgentConfiguration.turnDeadline`).
    let deadline: ContinuousClock.Instant
    let responseModel: String
    let upstreamModel: String
    var messages: [ChatMessage]
    /// Offered to the model: the client's, then ours (in a stage, its subset).
    var tools: [ToolDefinition]
    let clientToolNames: Set<String>
    let persona: Persona
    /// `voice` or `sms`: texts get no filler.
    let channel: String
    let request: ChatCompletionRequest
    let context: ToolContext
    let journal: TurnJournal
    /// This turn's internal rounds as the next turns will get them back.
    var internalMessages: [ChatMessage] = []
    /// One audit row per tool call this turn answered, kept with the turn's record.
    var toolAudit: [AuditEntry] = []
    /// The internal rounds of the earlier turns this one continues (FrontDesk's own, never the client's).
    let earlierRounds: [ChatMessage]
    /// The live context's line about the caller.
    let callerContext: String?
    /// What the speech guard withheld or changed this turn.
    var interventions: [SpeechIntervention] = []
    /// The system message before any stage's instructions.
    let baseSystem: String
    /// The stage the call is in (nil: the persona has none).
    var stage: CallStage?
    let clientTools: [ToolDefinition]
    /// Our tools this turn may offer, before a stage picks its subset.
    let ourTools: [ToolDefinition]

    /// What the calendar backs in this conversation so far, for judging what the answer claims.
    var evidence: PromiseEvidence {
        PromiseEvidence(rounds: earlierRounds + internalMessages, callerContext: callerContext)
    }

    /// A fresh speech guard for this turn's persona and channel.
    func speechGuard() -> SpeechGuard {
        SpeechGuard(phrases: persona.claimPhrases, filler: persona.filler, channel: channel)
    }

    /// Records interventions for the call log and the metrics.
    mutating func intervened(_ more: [SpeechIntervention]) {
        for intervention in more { AgentMetrics.intervention(intervention.kind) }
        interventions += more
    }

    func upstreamBody(stream: Bool) -> [UInt8] {
        request.upstreamBodyBytes(model: upstreamModel, messages: messages, tools: tools, stream: stream)
    }

    /// Executes our calls and appends the assistant message and one `tool` message per call,
    /// so the next upstream request shows the model what it asked and what came back.
    mutating func runTools(_ ours: [ToolCall], alongside answer: ChatCompletion, tools: ToolRegistry) async {
        let staged = !persona.stages.isEmpty
        var outcomes = await tools.execute(ours.filter { !staged || $0.name != CallStage.toolName }, disabled: persona.disabledTools,
                                           context: context)
        if staged {
            // FrontDesk's own: a stage change takes effect for the next round of this turn.
            for call in ours where call.name == CallStage.toolName { outcomes.append(changeStage(call)) }
            let order = Dictionary(ours.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
            outcomes.sort { order[$0.call.id, default: 0] < order[$1.call.id, default: 0] }
        }
        messages.append(.assistant(answer.content, toolCalls: answer.toolCalls))
        // Remembered without its text: whatever was said the client already has in its own
        // copy of our answer. And with our calls only: a client call is answered by the client.
        internalMessages.append(.assistant(nil, toolCalls: ours.map(Self.remembered)))
        for outcome in outcomes {
            toolAudit.append(ToolAudit.entry(outcome, context: context))
            let result = ChatMessage.tool(callID: outcome.call.id, content: outcome.content)
            messages.append(result)
            internalMessages.append(result)
        }
    }

    /// Every tool of the persona for the rest of the turn, the stage's instructions kept.
    mutating func offerEveryTool() {
        tools = clientTools + ourTools + (persona.stages.isEmpty ? [] : [CallStage.changeTool(persona.stages)])
    }

    /// Moves the call to the stage `call` names: its instructions and tools from the next round on.
    mutating func changeStage(_ call: ToolCall) -> ToolOutcome {
        let requested = (try? JSONValue(parsing: call.arguments))?["stage"]?.stringValue
        guard let next = persona.stages.first(where: { $0.name == requested }) else {
            let names = persona.stages.map(\.name).joined(separator: ", ")
            AgentMetrics.tool(CallStage.toolName, outcome: "unknown_stage", took: .zero)
            return ToolOutcome(call: call, result: .failure(ToolFailure(
                code: "unknown_stage", message: "There is no stage '\((requested ?? "").bounded(64, singleLine: true))'. Stages: \(names).")),
                duration: .zero)
        }
        stage = next
        messages[0] = .system(ChatAgent.system(baseSystem, stage: next, stages: persona.stages))
        tools = clientTools + ChatAgent.offered(ourTools, stage: next, stages: persona.stages)
        AgentMetrics.tool(CallStage.toolName, outcome: "ok", took: .zero)
        return ToolOutcome(call: call, result: .success(["stage": .string(next.name)]), duration: .zero)
    }

    /// A call as remembered for later turns: a tool name or arguments no tool accepts (a
    /// 100,000-character name, a megabyte of arguments) are kept only by their size.
    static func remembered(_ call: ToolCall) -> ToolCall {
        var call = call
        if call.name.utf8.count > 64 { call.name = call.name.bounded(64) }
        if call.arguments.utf8.count > 8192 {
            call.arguments = JSONValue.object(["oversized_arguments_characters": .int(call.arguments.count)]).jsonString
        }
        return call
    }

    func conversationTurn(
        answer: String?, clientToolCalls: [ToolCall], finishReason: String?, error: String?, streamed: Bool
    ) -> ConversationTurn {
        // Each internal round is one assistant message with tool calls.
        AgentMetrics.rounds(internalMessages.filter { $0.role == .assistant }.count)
        return ConversationTurn(
            conversationID: context.conversationID, telephonyCallID: journal.telephonyCallID,
            callerNumber: context.callerNumber, persona: journal.personaName, requestID: journal.requestID,
            anchor: journal.anchor, callerText: journal.callerText, internalMessages: internalMessages, answer: answer,
            clientToolCalls: clientToolCalls, finishReason: finishReason, error: error, streamed: streamed,
            startedAt: journal.startedAt, duration: ContinuousClock.now - journal.startedInstant, identity: context.identity.current,
            businessRule: journal.businessRule, calledNumber: journal.calledNumber, toolAudit: toolAudit,
            interventions: interventions)
    }

    func completion(content: String?, toolCalls: [ToolCall], refusal: String?, finishReason: String, usage: Usage?) -> ChatCompletion {
        ChatCompletion(
            id: id, created: created, model: responseModel, content: content, toolCalls: toolCalls, refusal: refusal,
            finishReason: finishReason, usage: usage)
    }

    func chunk(_ delta: ChatCompletionChunk.Delta?, finishReason: String? = nil, usage: Usage? = nil) -> ChatCompletionChunk {
        ChatCompletionChunk(id: id, created: created, model: responseModel, delta: delta, finishReason: finishReason, usage: usage)
    }
}

/// What the conversation log needs to know about a turn besides its outcome.
struct TurnJournal: Sendable {
    let telephonyCallID: String?
    let personaName: String
    let requestID: String
    let anchor: TranscriptAnchor
    let callerText: String?
    let startedAt: Date
    let businessRule: String?
    let calledNumber: String?
    let startedInstant = ContinuousClock.now
}
