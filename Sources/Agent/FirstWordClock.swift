/// Times a streamed turn up to the first words the caller hears, for the metrics: how long
/// the upstream took to its first token, and FrontDesk's own share of the wait for the first
/// words (everything but waiting for the upstream and the tools), the streamed counterpart of
/// the JSON path's overhead. Each is recorded once per turn.
struct FirstWordClock: Sendable {
    let started: ContinuousClock.Instant
    /// When the first upstream round was asked for.
    let asked: ContinuousClock.Instant
    /// Time spent waiting for the upstream and the tools so far.
    var waited: Duration
    private var tokenSeen = false
    private var spoken = false
    /// When the model's first words arrived, before the caller heard any.
    private var wordsArrived: ContinuousClock.Instant?

    init(started: ContinuousClock.Instant, asked: ContinuousClock.Instant, waited: Duration) {
        self.started = started
        self.asked = asked
        self.waited = waited
    }

    /// Until the first words are said: the waits still count.
    var isTiming: Bool { !spoken }

    mutating func waitedOnUpstream(since instant: ContinuousClock.Instant) {
        guard !spoken else { return }
        waited += ContinuousClock.now - instant
    }

    mutating func waitedOnTools(since instant: ContinuousClock.Instant) {
        waitedOnUpstream(since: instant)
    }

    /// The first round's first content or tool-call fragment has arrived.
    mutating func upstreamFirstToken() {
        guard !tokenSeen else { return }
        tokenSeen = true
        AgentMetrics.upstreamFirstToken(ContinuousClock.now - asked)
    }

    /// The model's words arrived (they may wait in the speech guard for their clause to end).
    mutating func modelWords() {
        guard !spoken, wordsArrived == nil else { return }
        wordsArrived = ContinuousClock.now
    }

    /// The caller is about to hear the turn's first words.
    mutating func speaking() {
        guard !spoken else { return }
        spoken = true
        let now = ContinuousClock.now
        // Waiting in the speech guard is mostly waiting for the upstream's next words: `waited`
        // counts that, and the hold is measured apart.
        AgentMetrics.overhead(now - started - waited, streamed: true)
        if let wordsArrived { AgentMetrics.speechHold(now - wordsArrived) }
    }
}
