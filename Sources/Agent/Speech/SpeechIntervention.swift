/// One time the speech guard kept something the model wrote from the caller, or spoke in its
/// place: kept with the turn in the call log, and counted in `frontdesk_speech_interventions_total`.
public struct SpeechIntervention: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A sentence claiming a change no tool committed; withheld.
        case unkeptClaim = "unkept_claim"
        /// The model was asked once more, told nothing was changed.
        case correctiveRound = "corrective_round"
        /// The corrective round failed too: the persona's safe line was said instead.
        case safeLine = "safe_line"
        /// Markdown, JSON or a field name taken out of what is spoken.
        case markup
        /// The model repeated FrontDesk's filler, already said this turn.
        case repeatedFiller = "repeated_filler"
    }

    public var kind: Kind
    /// What was withheld or changed (bounded).
    public var text: String

    /// The model was asked once more: the claim itself is already in the `unkeptClaim` beside it.
    static let correctiveRound = SpeechIntervention(kind: .correctiveRound, text: "Asked the model once more, telling it nothing was changed.")

    /// What was said instead of the claim.
    static func safeLine(_ said: String) -> SpeechIntervention { SpeechIntervention(kind: .safeLine, text: said) }

    public init(kind: Kind, text: String) {
        self.kind = kind
        self.text = String(text.prefix(300))
    }
}
