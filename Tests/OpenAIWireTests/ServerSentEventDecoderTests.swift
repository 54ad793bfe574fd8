import OpenAIWire
import Testing

@Suite("Server-sent event decoder")
struct ServerSentEventDecoderTests {
    static let allStreams = [
        StreamFixtures.openAIToolCallStream, StreamFixtures.llamaCppRepeatedNameStream, StreamFixtures.wholeCallInOneDeltaStream,
        StreamFixtures.interleavedToolCallStream,
    ]

    @Test func openAIStreamDecodesToOneEventPerDataLine() throws {
        let events = Wire.events(StreamFixtures.openAIToolCallStream)
        let dataLines = StreamFixtures.openAIToolCallStream.split(separator: "\n").filter { $0.hasPrefix("data: ") }
        #expect(events.count == dataLines.count)
        #expect(events == dataLines.map { String($0.dropFirst(6)) })
        #expect(events.last == "[DONE]")
        for event in events.dropLast() { #expect(throws: Never.self) { try JSONValue(parsing: event) } }
    }

    /// The cuts at which `events` differs from feeding the whole stream at once.
    static func cutsChangingEvents(_ bytes: [UInt8], at cuts: some Sequence<Int>) -> [Int] {
        let expected = Wire.events(bytes, cutAt: [])
        return cuts.filter { Wire.events(bytes, cutAt: [$0]) != expected }
    }

    @Test func openAIStreamHeadSplitAtEveryBytePositionGivesIdenticalEvents() throws {
        // The role chunk, every content chunk (with its multi-byte characters) and the first tool-call
        // chunks: every cut, including those inside a UTF-8 sequence or between "\n" and "\n".
        let whole = Wire.bytes(StreamFixtures.openAIToolCallStream)
        let eventEnds = (1..<whole.count).filter { whole[$0 - 1] == 0x0A && whole[$0] == 0x0A }
        try #require(eventEnds.count > 8)
        let head = Array(whole[...eventEnds[7]])
        #expect(head.contains { $0 >= 0x80 })
        #expect(Wire.events(head, cutAt: []).count == 8)
        let mismatches = Self.cutsChangingEvents(head, at: 0...head.count)
        #expect(mismatches.isEmpty, "cuts giving different events: \(mismatches.prefix(10))")
    }

    @Test(arguments: allStreams)
    func everyCutInsideAUTF8SequenceOrAtALineEndGivesIdenticalEvents(_ stream: String) {
        let bytes = Wire.bytes(stream)
        // Cuts before a continuation byte fall inside a character; cuts next to "\n" split line ends.
        let cuts = (0...bytes.count).filter { cut in
            (cut < bytes.count && (bytes[cut] & 0xC0 == 0x80 || bytes[cut] == 0x0A)) || (cut > 0 && bytes[cut - 1] == 0x0A)
        }
        #expect(cuts.count >= 6)  // at least the line ends of three events
        let mismatches = Self.cutsChangingEvents(bytes, at: cuts)
        #expect(mismatches.isEmpty, "cuts giving different events: \(mismatches.prefix(10))")
    }

    @Test func multiByteTextSplitIntoThreePiecesAtEveryPositionGivesIdenticalEvents() {
        let bytes = Wire.bytes("data: {\"content\":\"Café Lumière’s 🍷\"}\r\n\r\n: keep-alive\r\ndata: é\r\ndata: 🍷\r\n\r\n")
        let expected = ["{\"content\":\"Café Lumière’s 🍷\"}", "é\n🍷"]
        #expect(Wire.events(bytes, cutAt: []) == expected)
        for first in 0...bytes.count {
            for second in first...bytes.count {
                let events = Wire.events(bytes, cutAt: [first, second])
                #expect(events == expected, "cut at \(first), \(second)")
                if events != expected { return }
            }
        }
    }

    @Test(arguments: allStreams)
    func byteAtATimeFeedingGivesIdenticalEvents(_ stream: String) {
        let bytes = Wire.bytes(stream)
        #expect(Wire.events(bytes, cutAt: Array(1..<bytes.count)) == Wire.events(stream))
    }

    @Test(arguments: allStreams)
    func crlfLineEndingsGiveIdenticalEvents(_ stream: String) {
        let crlf = stream.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        #expect(Wire.events(crlf) == Wire.events(stream))
        let bytes = Wire.bytes(crlf)
        #expect(Wire.events(bytes, cutAt: Array(1..<bytes.count)) == Wire.events(stream))
    }

    @Test func splitBetweenCarriageReturnAndLineFeedIsHandled() {
        var decoder = ServerSentEventDecoder()
        #expect(decoder.feed(Wire.bytes("data: a\r")) == [])
        #expect(decoder.feed(Wire.bytes("\n\r")) == [])
        #expect(decoder.feed(Wire.bytes("\n")) == ["a"])
    }

    @Test func commentsAndOtherFieldsAreIgnored() {
        let stream = """
            : OPENROUTER PROCESSING

            event: message
            id: 41
            retry: 3000
            data: {"a":1}
            :keep-alive

            : OPENROUTER PROCESSING
            data: [DONE]


            """
        #expect(Wire.events(stream) == [#"{"a":1}"#, "[DONE]"])
    }

    @Test func multiLineDataIsJoinedWithNewlines() {
        #expect(Wire.events("data: {\"a\":\ndata: 1}\n\ndata: x\ndata:\ndata: y\n\n") == ["{\"a\":\n1}", "x\n\ny"])
    }

    @Test func onlyOneSpaceAfterTheColonIsRemoved() {
        #expect(Wire.events("data:no-space\n\ndata:  two\n\ndata\n\n") == ["no-space", " two", ""])
    }

    @Test func fieldNamesMustMatchExactly() {
        #expect(Wire.events("Data: a\n\ndatum: b\n\n data: c\n\n") == [])
    }

    @Test func blankLinesWithoutDataProduceNoEvent() {
        #expect(Wire.events("\n\n\r\n\n: ping\n\n") == [])
    }

    @Test func finishFlushesAnEventWithoutItsBlankLine() {
        var decoder = ServerSentEventDecoder()
        #expect(decoder.feed(Wire.bytes("data: first\n\ndata: second\n")) == ["first"])
        #expect(decoder.finish() == ["second"])
    }

    @Test func finishFlushesAnUnterminatedLastLine() {
        var decoder = ServerSentEventDecoder()
        #expect(decoder.feed(Wire.bytes("data: {\"a\":\ndata: 1}")) == [])
        #expect(decoder.finish() == ["{\"a\":\n1}"])
    }

    @Test func finishOnACleanEndProducesNothingAndTheDecoderCanBeReused() {
        var decoder = ServerSentEventDecoder()
        #expect(decoder.feed(Wire.bytes("data: [DONE]\n\n")) == ["[DONE]"])
        #expect(decoder.finish() == [])
        #expect(decoder.feed(Wire.bytes("data: again\n\n")) == ["again"])
        #expect(decoder.finish() == [])
    }

    @Test func encodedEventsDecodeBackToTheSameJSON() throws {
        let values: [JSONValue] = [
            ["content": "line one\nline two", "emoji": "🍷"], ["choices": [], "usage": ["total_tokens": 470]],
        ]
        var stream = values.flatMap(ServerSentEvent.data)
        stream += ServerSentEvent.done
        let events = Wire.events(stream, cutAt: [])
        #expect(events.count == 3)
        #expect(try events.dropLast().map { try JSONValue(parsing: $0) } == values)
        #expect(events.last == "[DONE]")
    }

    @Test func aLineLongerThanTheLimitStopsTheDecoderAndALongLineWithinItIsWhole() {
        // Given a 2 MB data line fed in 1 KB pieces (a partial line is never rescanned)
        var decoder = ServerSentEventDecoder(maxEventBytes: 3 * 1024 * 1024)
        let payload = String(repeating: "x", count: 2 * 1024 * 1024)
        let bytes = Array("data: \(payload)\n\n".utf8)
        var events: [String] = []
        for start in stride(from: 0, to: bytes.count, by: 1024) {
            events += decoder.feed(bytes[start..<min(start + 1024, bytes.count)])
        }
        // Then it is one whole event
        #expect(events == [payload])
        #expect(!decoder.isOverflowed)
        // When a line runs past the limit without a newline
        let endless = Array("data: ".utf8) + [UInt8](repeating: 0x61, count: 4 * 1024 * 1024)
        for start in stride(from: 0, to: endless.count, by: 64 * 1024) {
            #expect(decoder.feed(endless[start..<min(start + 64 * 1024, endless.count)]).isEmpty)
        }
        // Then the decoder has stopped, holds nothing, and decodes nothing more
        #expect(decoder.isOverflowed)
        #expect(decoder.feed(Array("data: late\n\n".utf8)).isEmpty)
        #expect(decoder.finish().isEmpty)
    }

    @Test func manyDataLinesOfOneEventCannotGrowPastTheLimit() {
        var decoder = ServerSentEventDecoder(maxEventBytes: 1000)
        let line = Array("data: \(String(repeating: "y", count: 100))\n".utf8)
        for _ in 0..<20 { _ = decoder.feed(line) }
        #expect(decoder.isOverflowed)
    }
}
