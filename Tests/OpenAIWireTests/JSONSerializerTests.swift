import OpenAIWire
import Testing

@Suite("JSON serializer")
struct JSONSerializerTests {
    @Test func outputIsCompactWithSortedKeys() {
        let value: JSONValue = ["b": 1, "a": [true, false, nil], "c": ["z": "last", "y": [:], "A": []]]
        #expect(value.jsonString == #"{"a":[true,false,null],"b":1,"c":{"A":[],"y":{},"z":"last"}}"#)
    }

    @Test func equalValuesSerializeToIdenticalBytesWhateverTheInputKeyOrder() throws {
        let first = try JSONValue(parsing: #"{"x":1,"y":{"b":2,"a":1}}"#)
        let second = try JSONValue(parsing: #"{ "y" : { "a" : 1 , "b" : 2 } , "x" : 1 }"#)
        #expect(first.serialized() == second.serialized())
    }

    @Test func stringsAreEscaped() {
        let value = JSONValue.string("q\" b\\ s/ n\n r\r t\t bell\u{07} nul\u{0} us\u{1F} bs\u{08} ff\u{0C} del\u{7F} é🍷")
        #expect(value.jsonString == #""q\" b\\ s/ n\n r\r t\t bell\u0007 nul\u0000 us\u001f bs\u0008 ff\u000c del"# + "\u{7F} é🍷\"")
    }

    /// The writer skips eight clean bytes at a time: a character to escape at any offset, in
    /// any neighbourhood (multi-byte UTF-8, bytes just above and below the thresholds), must
    /// still come out exactly as one byte at a time would write it.
    @Test func escapingIsTheSameAtEveryOffsetOfALongString() throws {
        let special: [String] = ["\"", "\\", "\n", "\u{0}", "\u{1F}", " ", "!", "#", "[", "]", "é", "🍷", "\u{7F}"]
        for character in special {
            for offset in 0..<20 {
                for filler in ["a", "é", "\u{21}", "\u{5D}"] {
                    let text = String(repeating: filler, count: offset) + character + String(repeating: filler, count: 19 - offset)
                    let written = JSONValue.string(text).jsonString
                    #expect(written == Self.reference(text), "\(character) at \(offset) among \(filler)")
                    #expect(try JSONValue(parsing: written).stringValue == text)
                }
            }
        }
    }

    /// The escaping rules, one scalar at a time.
    static func reference(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test func keysAreEscapedLikeStrings() {
        let value: JSONValue = ["line\nbreak \"quoted\"": 1]
        #expect(value.jsonString == #"{"line\nbreak \"quoted\"":1}"#)
    }

    @Test func everyControlCharacterRoundTrips() throws {
        let text = String(decoding: (UInt8(0)..<0x20).map { $0 }, as: UTF8.self) + "\"\\/\u{7F}\u{2028}\u{2029}🍷é"
        let parsed = try JSONValue(parsing: JSONValue.string(text).serialized())
        // Compare scalars, not `==`, which treats canonically equivalent strings as equal.
        #expect(parsed.stringValue.map { Array($0.unicodeScalars) } == Array(text.unicodeScalars))
    }

    @Test func decomposedCharactersAreNotNormalized() throws {
        let decomposed = "Cafe\u{301}"
        let serialized = JSONValue.string(decomposed).serialized()
        #expect(serialized == Wire.bytes("\"Cafe\u{301}\""))
        #expect(try JSONValue(parsing: serialized).stringValue.map { Array($0.utf8) } == Array(decomposed.utf8))
    }

    @Test(arguments: [
        RequestFixtures.telnyxCustomLLM, RequestFixtures.vapiCustomLLM, RequestFixtures.openAIClientWithEveryKnob,
        ResponseFixtures.openAIChatCompletionWithToolCalls, ResponseFixtures.llamaCppError,
    ])
    func recordedPayloadsRoundTrip(_ text: String) throws {
        let parsed = try JSONValue(parsing: text)
        let serialized = parsed.serialized()
        let reparsed = try JSONValue(parsing: serialized)
        #expect(reparsed == parsed)
        #expect(reparsed.serialized() == serialized)
    }

    @Test func serverSentEventFramesOneJSONValuePerEvent() {
        let frame = ServerSentEvent.data(["b": "x\ny", "a": .number("0.5")])
        #expect(String(decoding: frame, as: UTF8.self) == "data: {\"a\":0.5,\"b\":\"x\\ny\"}\n\n")
        #expect(String(decoding: ServerSentEvent.done, as: UTF8.self) == "data: [DONE]\n\n")
    }

    @Test func writeAppendsToExistingOutput() {
        var output = Wire.bytes("data: ")
        JSONValue.array([1, "two"]).write(to: &output)
        #expect(String(decoding: output, as: UTF8.self) == #"data: [1,"two"]"#)
    }
}
