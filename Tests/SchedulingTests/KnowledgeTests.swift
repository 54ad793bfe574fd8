import CSQLite
import Foundation
import Logging
import Reception
import SQLiteStore
import Scheduling
import Testing

/// The business's documents: split into passages that keep their heading, found by bm25 on a
/// real SQLite file, safe against whatever a caller or a model types, replaced by source name.
@Suite("Knowledge documents and their search")
struct KnowledgeTests {
    static let staff = FrontDeskActor.staff(StaffMember(id: "maria", channel: "cli"))

    /// The demo practice, seeded with its three documents.
    static func seededDesk() throws -> (FrontDesk, AppointmentBook) {
        let book = try AppointmentBook(path: TestBook.temporaryPath())
        try book.seedDemoIfEmpty(now: TestBook.now)
        return (FrontDesk(store: SQLiteFrontDeskStore(book: book), logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })), book)
    }

    @Test func theSystemSQLiteHasFTS5() {
        #expect(sqlite3_compileoption_used("ENABLE_FTS5") == 1)
    }

    // MARK: - Chunking

    @Test func aMarkdownDocumentBecomesShortPassagesUnderTheirHeadings() {
        // Given a document with its title as the first heading, sections, a list, a link and a long paragraph
        let long = (1...30).map { "Sentence number \($0) says something about aftercare." }.joined(separator: " ")
        let body = """
            # Aftercare

            Rest for a day.

            ## After a filling
            **Do not chew** on that side for two hours. See [our page](https://example.com/aftercare) for more.

            ## What to buy
            - Soft toothbrush
            - Salt, for rinses.
            - Painkillers

            Setext heading
            --------------
            \(long)
            """
        // When it is chunked
        let passages = KnowledgeChunker.passages(in: body, title: "Aftercare")
        // Then the title is not repeated as a heading, markup is gone, lists read as one line
        #expect(passages.first == .init(heading: nil, text: "Rest for a day."))
        #expect(passages[1] == .init(heading: "After a filling", text: "Do not chew on that side for two hours. See our page for more."))
        #expect(passages[2] == .init(heading: "What to buy", text: "Soft toothbrush; Salt, for rinses. Painkillers."))
        // and the long paragraph is cut between sentences into passages of at most the target length
        let tail = passages.dropFirst(3)
        #expect(tail.count >= 3)
        #expect(tail.allSatisfy { $0.heading == "Setext heading" && $0.text.count <= KnowledgeChunker.targetLength && $0.text.hasSuffix(".") })
        #expect(tail.map(\.text).joined(separator: " ") == long)
        #expect(KnowledgeChunker.leadingHeading(in: "\n\n# Aftercare\ntext") == "Aftercare")
        #expect(KnowledgeChunker.leadingHeading(in: "Plain text") == nil)
    }

    @Test func plainTextWithoutHeadingsOrSentencesIsStillCutToSize() {
        let words = String(repeating: "word ", count: 400)
        let passages = KnowledgeChunker.passages(in: words + "\n\n" + String(repeating: "x", count: 1_200), title: "T")
        #expect(passages.allSatisfy { $0.heading == nil && $0.text.count <= KnowledgeChunker.targetLength && !$0.text.isEmpty })
        #expect(passages.map(\.text).joined().filter { $0 == "x" }.count == 1_200)
        #expect(KnowledgeChunker.passages(in: "\n  \n# Only a heading\n", title: "T").isEmpty)
        // A near-megabyte blob without a space is cut in one pass, not one pass per passage
        let blob = KnowledgeChunker.passages(in: String(repeating: "QUJD", count: 240_000), title: "T")
        #expect(blob.count == 1_921 && blob.allSatisfy { $0.text.count <= KnowledgeChunker.targetLength })
    }

    // MARK: - Search

    @Test(arguments: [
        ("Do you take Delta Dental?", "PPO plans"),
        ("Do you take HMO plans?", "HMO plans"),
        ("Can I pay with a credit card?", "Paying without insurance"),
        ("How late can I cancel without paying a fee?", "Late cancellations and missed visits"),
        ("What should I bring to my first appointment?", "What to bring"),
        ("Where do I park downtown?", "Getting here"),
    ])
    func theRightPassageWins(_ question: String, _ heading: String) async throws {
        let (desk, _) = try Self.seededDesk()
        let hits = try await desk.searchKnowledge(question)
        #expect(hits.first?.heading == heading, "\(question): \(hits.map(\.place))")
        #expect(hits.count <= 3)
        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test func porterStemmingFindsOtherFormsOfAWord() async throws {
        let (desk, _) = try Self.seededDesk()
        let hits = try await desk.searchKnowledge("cancelled")
        #expect(hits.first?.title == "Cancellation policy")
    }

    static let hostile: [String] = [
        "\"", "\"\"", "\"unterminated", "NEAR(delta dental, 2)", "delta NEAR dental", "*", "delta*", "^insurance", "title:delta",
        "AND OR NOT", "NOT", "(((", ")", "{title heading}: delta", "- + :", "'; DROP TABLE knowledge_documents; --",
        "\u{0}\u{7}\n\r\t", "🦷🦷 dental 🦷", "Zahnärztliche Versicherung für Kinder", "汉字 保险", "",
        String(repeating: "delta dental ", count: 800), String(repeating: "x", count: 10_000),
        (0..<10_000).map { _ in String("\"*()^:-+NEAR AND OR NOT".randomElement()!) }.joined(),
    ]

    @Test(arguments: hostile.indices)
    func hostileQueriesGiveResultsOrNothingNeverAnError(_ index: Int) async throws {
        let (desk, book) = try Self.seededDesk()
        let query = Self.hostile[index]
        let hits = try await desk.searchKnowledge(query)
        #expect(hits.count <= 3)
        _ = try await desk.strongKnowledgeMatch(for: query)
        // and nothing was harmed
        #expect(try book.knowledgeDocuments().count == 3)
    }

    @Test func operatorWordsInAQueryAreOnlyWords() async throws {
        let (desk, _) = try Self.seededDesk()
        // "NOT" would exclude Delta if it were read as FTS5 syntax; here it is a dropped stop word
        let hits = try await desk.searchKnowledge("NOT \"delta\" NEAR* dental")
        #expect(hits.first?.heading == "PPO plans")
        #expect(KnowledgeQuery("delta* AND (dental) OR NEAR").terms == ["delta", "dental", "near"])
        // Plain ASCII takes a byte-level path; the same words with one accented word go through
        // Unicode folding: both read the words the same way.
        let plain = "Do you TAKE Delta-Dental? 2024 plans, x, take"
        #expect(KnowledgeQuery(plain).terms == ["take", "delta", "dental", "2024", "plans"])
        #expect(KnowledgeQuery(plain + " Café").terms == ["take", "delta", "dental", "2024", "plans", "cafe"])
        #expect(KnowledgeQuery((0..<1_000).map { "word\($0)" }.joined(separator: " ")).terms.count == KnowledgeQuery.maxTerms)
    }

    // MARK: - Documents

    @Test func reAddingTheSameSourceNameReplacesTheDocumentInPlace() async throws {
        // Given a document
        let (desk, book) = try Self.seededDesk()
        let first = try await desk.addKnowledgeDocument(sourceName: "sedation.md", body: "# Sedation\n\nWe offer nitrous oxide for anxious patients.",
                                                        for: Self.staff, now: TestBook.now)
        #expect(!first.replaced && first.document.title == "Sedation" && first.document.passages == 1)
        // When a new version comes in under the same source name
        let later = TestBook.now.addingTimeInterval(3_600)
        let second = try await desk.addKnowledgeDocument(
            sourceName: "sedation.md", title: "Calm visits", body: "Oral sedation is available.\n\nAsk about headphones and blankets.",
            for: Self.staff, now: later)
        // Then it is the same document, with the new title and text only
        #expect(second.replaced)
        #expect(second.document.id == first.document.id)
        #expect(second.document.title == "Calm visits" && second.document.addedAt == first.document.addedAt && second.document.updatedAt == later)
        #expect(try book.knowledgeDocuments().count == 4)
        #expect(try await desk.searchKnowledge("nitrous oxide").isEmpty)
        let found = try await desk.searchKnowledge("oral sedation headphones")
        #expect(found.first?.title == "Calm visits" && found.first?.documentID == first.document.id)
    }

    @Test func eachHitSaysHowManyOfTheSearchedWordsItHolds() async throws {
        // Given a passage that repeats one word many times and one that holds two words once,
        // saved in separate transactions (each its own index segment before it is merged)
        let (desk, _) = try Self.seededDesk()
        _ = try await desk.addKnowledgeDocument(
            sourceName: "parking.md", title: "Parking", body: "Parking parking parking: the parking garage has parking on every level.",
            for: Self.staff, now: TestBook.now)
        _ = try await desk.addKnowledgeDocument(
            sourceName: "bikes.md", title: "Bicycles", body: "Bike racks stand beside the garage entrance.", for: Self.staff, now: TestBook.now)
        // When both are found by three words
        let hits = try await desk.searchKnowledge("parking garage racks")
        // Then bm25 may rank the repeated word first, but the counts tell them apart
        let parking = try #require(hits.first { $0.title == "Parking" })
        let bikes = try #require(hits.first { $0.title == "Bicycles" })
        #expect(parking.matchedTerms == 2)
        #expect(bikes.matchedTerms == 2)
        #expect(try await desk.searchKnowledge("parking elevator").first { $0.title == "Parking" }?.matchedTerms == 1)
        #expect(try await desk.searchKnowledge("racks").first?.matchedTerms == 1)
    }

    @Test func removingADocumentRemovesItsPassagesFromSearch() async throws {
        let (desk, _) = try Self.seededDesk()
        let insurance = try #require(try await desk.knowledgeDocuments(for: Self.staff).first { $0.sourceName == "insurance.md" })
        try await desk.removeKnowledgeDocument(id: insurance.id, for: Self.staff)
        #expect(try await desk.searchKnowledge("Delta Dental Cigna Aetna").allSatisfy { $0.documentID != insurance.id })
        await #expect(throws: FrontDeskError.refused(.notFound("document"))) {
            try await desk.removeKnowledgeDocument(id: insurance.id, for: Self.staff)
        }
    }

    @Test func documentsAreValidatedAndOnlyStaffMayChangeThem() async throws {
        let (desk, _) = try Self.seededDesk()
        let caller = FrontDeskActor.caller(CallerSession(conversationID: "c1", callerNumber: "+12125550101"))
        await #expect(throws: FrontDeskError.notPermitted("Only staff can do this.")) {
            try await desk.addKnowledgeDocument(sourceName: "x.md", body: "text", for: caller, now: TestBook.now)
        }
        await #expect(throws: FrontDeskError.refused(.invalid(field: "body", message: "has no text"))) {
            try await desk.addKnowledgeDocument(sourceName: "x.md", body: "\n\n## \n", for: Self.staff, now: TestBook.now)
        }
        await #expect(throws: FrontDeskError.refused(.invalid(field: "source_name", message: "is required"))) {
            try await desk.addKnowledgeDocument(sourceName: "  ", body: "text", for: Self.staff, now: TestBook.now)
        }
        let huge = String(repeating: "a", count: FrontDesk.maxKnowledgeDocumentBytes + 1)
        await #expect(throws: FrontDeskError.refused(.invalid(field: "body", message: "is longer than \(FrontDesk.maxKnowledgeDocumentBytes) bytes"))) {
            try await desk.addKnowledgeDocument(sourceName: "x.md", body: huge, for: Self.staff, now: TestBook.now)
        }
        // A binary file given by mistake is refused, and stray control characters become spaces
        await #expect(throws: FrontDeskError.refused(.invalid(field: "body", message: "is not text (it contains NUL characters)"))) {
            try await desk.addKnowledgeDocument(sourceName: "x.bin", body: "\u{0}PNG", for: Self.staff, now: TestBook.now)
        }
        #expect(KnowledgeChunker.passages(in: "Bell\u{7}here\u{1B}[0m.", title: "T") == [.init(heading: nil, text: "Bell here [0m.")])
        // Without a title or a leading heading, the file name is made readable
        let added = try await desk.addKnowledgeDocument(sourceName: "after-hours_care.txt", body: "Call the emergency line.", for: Self.staff,
                                                        now: TestBook.now)
        #expect(added.document.title == "After hours care")
    }

    // MARK: - Strong matches

    @Test(arguments: [
        ("Do you take Delta Dental?", "PPO plans"),
        ("What's your cancellation policy?", nil),
        ("Is there a fee if I miss my appointment?", "Late cancellations and missed visits"),
        ("I'm calling about my insurance, is Aetna ok?", "PPO plans"),
    ] as [(String, String?)])
    func aClearQuestionIsAStrongMatch(_ words: String, _ heading: String?) async throws {
        let (desk, _) = try Self.seededDesk()
        let match = try #require(try await desk.strongKnowledgeMatch(for: words), "\(words)")
        if let heading { #expect(match.heading == heading) } else { #expect(match.title == "Cancellation policy") }
    }

    @Test(arguments: [
        "I'd like to book a cleaning next Tuesday", "Yes.", "Insurance?", "Sure, Tuesday at nine works", "What time do you open on Saturday?",
        "My name is Emily Johnson, born April twelfth 1988",
    ])
    func smallTalkAndSchedulingAreNotStrongMatches(_ words: String) async throws {
        let (desk, _) = try Self.seededDesk()
        #expect(try await desk.strongKnowledgeMatch(for: words) == nil)
    }

    @Test func twoDocumentsThatMatchAlikeAreNotAStrongMatch() {
        // Given hits from two documents, matching as many words and scoring close together
        let query = KnowledgeQuery("parking fee downtown")
        let hit = { (document: Int64, score: Double, matched: Int) in
            KnowledgePassage(documentID: document, title: "D\(document)", heading: nil, text: "…", score: score, matchedTerms: matched)
        }
        // Then neither is volunteered; a clear lead, or more of the words, is
        #expect(KnowledgeMatchRule.strongMatch(in: [hit(1, 3.0, 2), hit(2, 2.9, 2)], query: query) == nil)
        #expect(KnowledgeMatchRule.strongMatch(in: [hit(1, 3.0, 2), hit(1, 2.9, 2), hit(2, 2.0, 2)], query: query)?.documentID == 1)
        #expect(KnowledgeMatchRule.strongMatch(in: [hit(1, 3.0, 3), hit(2, 2.9, 2)], query: query)?.documentID == 1)
        // and a match on words most passages share (a score near zero) is not
        #expect(KnowledgeMatchRule.strongMatch(in: [hit(1, 0.2, 3)], query: query) == nil)
    }
}
