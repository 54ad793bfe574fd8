import Foundation
import OpenAIWire
import Testing

@testable import Agent

@Suite("The speech guard: no unkept promise, no markup, the filler once")
struct SpeechGuardTests {
    static let phrases = ClaimPhrases.standard

    @Test(arguments: [
        ("I've booked your cleaning for Tuesday at 8:00 AM.", [ClaimKind.booked]),
        ("You're all set for Tuesday.", [.booked]),
        ("Great news, your cleaning is booked!", [.booked]),
        ("Your appointment has been cancelled.", [.cancelled]),
        ("I've moved it to Wednesday at 3 PM.", [.moved]),
        ("You're all set for Friday.", [.booked]),
        ("Your appointment is confirmed.", [.confirmed]),
        ("Done, I've rescheduled it to Monday, November 30 at 9:00 AM.", [.moved]),
        ("Your visit is confirmed.", [.confirmed]),
        ("Okay, I've cancelled it.", [.cancelled]),
    ])
    func assertionsClaim(_ sentence: String, _ kinds: [ClaimKind]) {
        #expect(Self.phrases.kinds(in: sentence) == Set(kinds))
    }

    @Test(arguments: [
        "Would you like me to get that scheduled?",
        "Nothing has been booked yet.",
        "I haven't cancelled anything.",
        "Once you confirm, I'll get it booked.",
        "We're fully booked on Friday.",
        "If you'd like, I can move it to Tuesday.",
        "The office hours changed last year.",
        "Shall I book the first one?",
        "Thanks, I've confirmed your name and date of birth.",
        "Great, you're all set with that question!",
        "I've changed my mind about the wording.",
        "I've scheduled a callback from the dental team.",
    ])
    func questionsNegationsAndOffersDoNot(_ sentence: String) {
        #expect(Self.phrases.kinds(in: sentence).isEmpty)
    }

    @Test func aPersonasOwnPhrasesClaimToo() {
        let phrases = ClaimPhrases.standard.adding([.booked: ["squeezed you in"]])
        #expect(phrases.kinds(in: "I squeezed you in for Friday.") == [.booked])
        #expect(Self.phrases.kinds(in: "I squeezed you in for Friday.").isEmpty)
    }

    @Test func clockTimesAndWeekdaysAreReadAsTheCalendarWritesThem() {
        #expect(SpokenWords.times(in: "Monday, November 30 at 8:00 AM") == [480])
        #expect(SpokenWords.times(in: "at 8 a.m. or 3:30 p.m., or noon") == [480, 930, 720])
        #expect(SpokenWords.times(in: "at 9:15") == [555, 1275])
        #expect(SpokenWords.times(in: "room 12, 2026") == [])
        #expect(SpokenWords.weekdays(in: "Monday or TUESDAY") == ["monday", "tuesday"])
    }

    // MARK: - Streaming

    /// Feeds `text` a few characters at a time, as a stream arrives; returns what was said
    /// along the way (with where each piece was released) and at the end.
    static func stream(
        _ text: String, through speech: inout SpeechGuard, evidence: PromiseEvidence = PromiseEvidence(facts: []), step: Int = 3
    ) -> (pieces: [String], said: String) {
        var pieces: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: step, limitedBy: text.endIndex) ?? text.endIndex
            let out = speech.feed(String(text[index..<next])) { evidence }
            if !out.isEmpty { pieces.append(out) }
            index = next
        }
        let tail = speech.endOfRound { evidence }
        if !tail.isEmpty { pieces.append(tail) }
        return (pieces, pieces.joined())
    }

    static func guardFor(channel: String = "voice") -> SpeechGuard {
        SpeechGuard(phrases: phrases, filler: "One moment while I check the schedule.", channel: channel)
    }

    @Test func wordsWithoutClaimsFlowWordByWord() {
        var speech = Self.guardFor()
        let (pieces, said) = Self.stream("Sure, I can help. We open at 8:30 on weekdays, with Dr. Patel in.", through: &speech)
        #expect(said == "Sure, I can help. We open at 8:30 on weekdays, with Dr. Patel in.")
        // each word as soon as it is whole (a lead-in like "I" waits for the next one)
        #expect(pieces.first == "Sure, ")
        #expect(pieces.count >= 10)
        #expect(!speech.isBlocked)
        var unpunctuated = Self.guardFor()
        #expect(Self.stream("one two three four five six seven eight", through: &unpunctuated).pieces.count == 8)
    }

    @Test func aClaimNoToolBackedIsWithheldWithItsLeadInAndEverythingAfterIt() {
        var speech = Self.guardFor()
        let (_, said) = Self.stream("Great, I've booked your cleaning for Tuesday at 8:00 AM. See you then!", through: &speech)
        #expect(said == "Great, ")
        #expect(speech.withheld == "I've booked your cleaning for Tuesday at 8:00 AM. ")
    }

    @Test func aClaimPhraseSplitOverWordsIsSeenFromTheSentencesLastWords() {
        #expect(SpeechGuard.lastWords(of: "We open at eight, you're all ", count: 2) == "you're all ")
        #expect(SpeechGuard.lastWords(of: "all ", count: 2) == "all ")
        #expect(SpeechGuard.lastWords(of: "", count: 2) == "")
        // "got you down" arrives a word at a time at the end of a long sentence
        var speech = Self.guardFor()
        let long = String(repeating: "and we are glad you called ", count: 12) + "so I've got you down for Friday."
        #expect(!Self.stream(long, through: &speech).said.contains("got you down"))
        #expect(speech.withheld != nil)
    }

    @Test func aClaimIsKeptOnlyWhenTheTimeAndDayItNamesWereCommitted() {
        let booked = PromiseEvidence(facts: [.init(kind: .booked, weekdays: ["tuesday"], times: [480])])
        var right = Self.guardFor()
        #expect(Self.stream("You're booked for Tuesday at 8 AM. See you then!", through: &right, evidence: booked).said
                == "You're booked for Tuesday at 8 AM. See you then!")
        var wrongTime = Self.guardFor()
        #expect(Self.stream("You're booked for Tuesday at 9 AM.", through: &wrongTime, evidence: booked).said == "")
        var wrongDay = Self.guardFor()
        #expect(Self.stream("You're booked for Wednesday.", through: &wrongDay, evidence: booked).said == "")
        var wrongKind = Self.guardFor()
        #expect(Self.stream("It's cancelled.", through: &wrongKind, evidence: booked).said == "")
        // a time said earlier in the same sentence counts too
        var earlier = Self.guardFor()
        #expect(Self.stream("On Wednesday, you're all set.", through: &earlier, evidence: booked).said == "On Wednesday, ")
    }

    @Test func aClaimMadeAlongsideTheToolCallIsSaidOnceTheToolCommitted() {
        var speech = Self.guardFor()
        #expect(Self.stream("You're all set for Tuesday. Anything else?", through: &speech).said == "")
        #expect(speech.isBlocked)
        let booked = PromiseEvidence(facts: [.init(kind: .booked, weekdays: ["tuesday"], times: [480])])
        #expect(speech.reconsider { booked } == "You're all set for Tuesday. Anything else?")
        #expect(!speech.isBlocked)
    }

    @Test func markdownJSONAndFieldNamesNeverReachTheEars() {
        var speech = Self.guardFor()
        let said = Self.stream(
            "I need a few details:\n1. **First name**\n2. **Date of birth**\nPlease give me provider_id, location_id and from_date. {\"service_id\": \"cleaning\"} Thanks!",
            through: &speech).said
        #expect(!said.contains("*") && !said.contains("_") && !said.contains("{") && !said.contains("1."))
        #expect(said.contains("First name") && said.contains("Date of birth"))
        #expect(said.contains("provider, location and from date."))
        #expect(said.hasSuffix("Thanks!"))
        #expect(speech.takeInterventions().allSatisfy { $0.kind == .markup })
    }

    @Test func aListsLinesAreHeardWithAPauseBetweenThem() {
        var speech = Self.guardFor()
        #expect(Self.stream("Two times:\n- Monday at 9:00 AM\n- Monday at 9:30 AM\nWhich works?", through: &speech).said
                == "Two times: Monday at 9:00 AM, Monday at 9:30 AM, Which works?")
    }

    @Test func anIdInParenthesesIsNotSaidButOtherParenthesesAre() {
        var speech = Self.guardFor()
        // (the space before the parenthesis went out with the word before it)
        #expect(Self.stream("Your filling is on Friday at 8:45 AM (appointment id 4). See you (at Downtown) then.", through: &speech).said
                == "Your filling is on Friday at 8:45 AM . See you (at Downtown) then.")
        // closed by the answer's very last characters, with no space after them
        var atTheEnd = Self.guardFor()
        #expect(Self.stream("It is on Monday at 8:00 AM (appointment id 1).", through: &atTheEnd).said == "It is on Monday at 8:00 AM .")
        var unclosed = Self.guardFor()
        #expect(Self.stream("We open at eight (weekdays only", through: &unclosed).said == "We open at eight (weekdays only")
    }

    @Test func textsKeepTheirLineBreaks() {
        var speech = Self.guardFor(channel: "sms")
        #expect(Self.stream("Hi Emily!\nYour options:\n- Mon 9 AM\n- Tue 2 PM\n", through: &speech).said == "Hi Emily!\nYour options:\nMon 9 AM\nTue 2 PM\n")
    }

    @Test func theFillerIsSaidAtMostOnceATurn() {
        var speech = Self.guardFor()
        speech.fillerSaid = true
        let said = Self.stream("One moment while I check the schedule. I have Tuesday at nine.", through: &speech).said
        #expect(said == "I have Tuesday at nine.")
        #expect(speech.takeInterventions().map(\.kind) == [.repeatedFiller])
        // words that only begin like the filler are said
        var other = Self.guardFor()
        other.fillerSaid = true
        #expect(Self.stream("One more thing: we open at eight.", through: &other).said == "One more thing: we open at eight.")
    }

    /// Whatever a model streams, in whatever pieces: the guard never traps, never invents a
    /// word, and ends every round with nothing left pending (seeded, so a failure replays).
    @Test func anyStreamInAnyPiecesEndsCleanlyWithOnlyTheModelsOwnWords() {
        var random = SeededGenerator(seed: 0x5EED_F00D)
        let vocabulary = [
            "I've", "booked", "your", "cleaning", "for", "Tuesday", "at", "8:00", "AM.", "(appointment", "id", "4).", "**bold**",
            "`code`", "{\"service_id\":", "\"x\"}", "provider_id,", "1.", "-", "\n", "One", "moment", "while", "I", "check",
            "the", "schedule.", "all", "set!", "nothing", "is", "cancelled?", "Dr.", "Patel", "(at", "Downtown)", "é", "😀", "",
            "   ", "\n\n", "}", "{", "(", ")", "_", "__init__", "9:30", "p.m.", "noon",
        ]
        for round in 0..<2_000 {
            let words = (0..<Int.random(in: 0...40, using: &random)).map { _ in vocabulary.randomElement(using: &random)! }
            let text = words.joined(separator: Bool.random(using: &random) ? " " : "")
            var speech = Self.guardFor(channel: round % 3 == 0 ? "sms" : "voice")
            speech.fillerSaid = Bool.random(using: &random)
            let evidence = PromiseEvidence(facts: round % 2 == 0 ? [] : [.init(kind: .booked, weekdays: ["tuesday"], times: [480])])
            var said = ""
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(index, offsetBy: Int.random(in: 1...7, using: &random), limitedBy: text.endIndex) ?? text.endIndex
                said += speech.feed(String(text[index..<next])) { evidence }
                index = next
            }
            said += speech.endOfRound { evidence }
            if speech.isBlocked { said += speech.reconsider { evidence } }
            // every letter said was the model's (markup is only ever taken away, or an id turned to words)
            let modelLetters = Set(text.lowercased().filter(\.isLetter))
            #expect(said.lowercased().filter(\.isLetter).allSatisfy(modelLetters.contains), "\(text) → \(said)")
            #expect(!said.contains("**") && !said.contains("`") && !said.contains("{"), "\(text) → \(said)")
            // and a second round starts clean
            speech.startRound()
            #expect(speech.feed("Hello there. ") { evidence } + speech.endOfRound { evidence } == "Hello there. ")
        }
    }

    @Test func evidenceComesFromFrontDesksOwnToolResults() throws {
        let call = ToolCall(id: "c1", name: "book_appointment", arguments: "{}")
        let rounds: [ChatMessage] = [
            .assistant(nil, toolCalls: [call]),
            .tool(callID: "c1", content: #"{"appointment_id":5,"status":"booked","spoken":"Tuesday, December 1 at 8:00 AM"}"#),
        ]
        let evidence = PromiseEvidence(rounds: rounds, callerContext: nil)
        #expect(evidence.keeps("You're booked for Tuesday at 8 AM.", kinds: [.booked]))
        #expect(!evidence.keeps("It's cancelled.", kinds: [.cancelled]))
        // a refusal backs nothing
        let refused = PromiseEvidence(rounds: [
            .assistant(nil, toolCalls: [call]),
            .tool(callID: "c1", content: #"{"ok":false,"error":{"code":"slot_unavailable","message":"Taken."}}"#),
        ], callerContext: nil)
        #expect(!refused.keeps("You're booked.", kinds: [.booked]))
        // the caller's next appointment in the live context backs a statement about it
        let known = PromiseEvidence(rounds: [], callerContext: "About the caller: Emily. Their next appointment: Cleaning on Monday, November 30 at 8:00 AM.")
        #expect(known.keeps("You're booked for Monday at 8 AM.", kinds: [.booked]))
    }
}

/// xorshift64*: a reproducible stream for the fuzz test.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}
