import OpenAIWire

/// What the calendar backs in this conversation: the changes FrontDesk's own tools committed
/// (in this turn and the earlier turns it continues) and the appointments they or the live
/// context showed to exist. A claim the answer makes is *kept* when a fact of its kind backs it,
/// matching every clock time and weekday the claim names that any fact names.
///
/// Built only from FrontDesk's own tool rounds and live context, never from the client's
/// messages: what the client sends cannot vouch for a change.
struct PromiseEvidence: Sendable {
    struct Fact: Sendable, Equatable {
        var kind: ClaimKind
        var weekdays: Set<String>
        var times: Set<Int>
    }

    private(set) var facts: [Fact] = []

    /// - Parameters:
    ///   - rounds: FrontDesk's internal rounds (assistant tool calls and their results).
    ///   - callerContext: the live context's line about the caller (their next appointment).
    init(rounds: [ChatMessage], callerContext: String?) {
        for (name, result) in rounds.successfulToolResults() {
            switch name {
            case "book_appointment": add(.booked, result)
            case "reschedule_appointment": add(.moved, result); add(.booked, result)
            case "cancel_appointment": add(.cancelled, result)
            case "confirm_appointment": add(.confirmed, result); add(.booked, result)
            case "get_patient_appointments", "get_reminder_context":
                for appointment in result["appointments"]?.arrayValue ?? [result["appointment"] ?? .null] {
                    add(appointment["status"]?.stringValue == "cancelled" ? .cancelled : .booked, appointment)
                }
            default: break
            }
        }
        if let callerContext, !callerContext.isEmpty {
            let weekdays = SpokenWords.weekdays(in: callerContext)
            let times = SpokenWords.times(in: callerContext)
            if !weekdays.isEmpty || !times.isEmpty { facts.append(Fact(kind: .booked, weekdays: weekdays, times: times)) }
        }
    }

    init(facts: [Fact]) { self.facts = facts }

    private mutating func add(_ kind: ClaimKind, _ appointment: JSONValue) {
        guard let spoken = appointment["spoken"]?.stringValue else { return }
        facts.append(Fact(kind: kind, weekdays: SpokenWords.weekdays(in: spoken), times: SpokenWords.times(in: spoken)))
    }

    /// Whether every kind `sentence` claims is backed.
    func keeps(_ sentence: String, kinds: Set<ClaimKind>) -> Bool {
        let weekdays = SpokenWords.weekdays(in: sentence)
        let times = SpokenWords.times(in: sentence)
        return kinds.allSatisfy { kind in
            // A booking read back as "confirmed" is backed by the booking.
            let backing = kind == .confirmed ? [ClaimKind.confirmed, .booked] : [kind]
            return facts.contains { fact in
                backing.contains(fact.kind) && (times.isEmpty || !fact.times.isDisjoint(with: times))
                    && (weekdays.isEmpty || !fact.weekdays.isDisjoint(with: weekdays))
            }
        }
    }
}
