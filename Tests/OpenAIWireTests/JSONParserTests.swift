import OpenAIWire
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue(parsing: #"{"a":[1,-2.5e+3,true,false,null,"x"],"b":{},"c":[]}"#)
        #expect(value == .object([
            "a": .array([.number("1"), .number("-2.5e+3"), .bool(true), .bool(false), .null, .string("x")]),
            "b": .object([:]),
            "c": .array([]),
        ]))
    }

    @Test func insignificantWhitespaceIsAcceptedEverywhere() throws {
        let value = try JSONValue(parsing: " \t\r\n{ \"a\" :\n[ 1 ,\t2 ] ,\r\n\"b\" : null }\n ")
        #expect(value == ["a": [1, 2], "b": nil])
    }

    @Test func parsesFromAnyCollectionOfBytes() throws {
        let bytes = Wire.bytes(#"xx{"k":"v"}yy"#)
        let value = try JSONValue(parsing: bytes[2..<(bytes.count - 2)])
        #expect(value == ["k": "v"])
    }

    @Test func duplicateKeysKeepTheLastValue() throws {
        #expect(try JSONValue(parsing: #"{"k":1,"k":2}"#) == ["k": 2])
    }

    // MARK: Numbers

    @Test(arguments: [
        "0", "-0", "0.70", "1.0", "12345678901234567890", "-12345678901234567890123", "1E+2", "1e-07", "-12.50e10",
        "0.1000000000000000055511151231257827", "1e400", "5e-324",
    ])
    func numberLiteralsRoundTripByteExact(_ literal: String) throws {
        let value = try JSONValue(parsing: literal)
        #expect(value == .number(literal))
        #expect(value.serialized() == Wire.bytes(literal))
    }

    @Test func numberLiteralsInsideDocumentsRoundTripByteExact() throws {
        let text = #"{"frequency_penalty":0.10,"seed":12345678901234567890,"temperature":0.70,"top_p":1.0,"xs":[1E3,-0.0]}"#
        #expect(try JSONValue(parsing: text).jsonString == text)
    }

    @Test(arguments: ["01", "-01", "1.", ".5", "+1", "-", "1e", "1e+", "1.e3", "-.5", "0x10", "NaN", "Infinity", "-Infinity", "1_000"])
    func malformedNumbersAreRejected(_ text: String) {
        #expect(Wire.parseError(text) != nil, "\(text) should not parse")
    }

    @Test func numericAccessorsInterpretLiteralsWithoutRounding() throws {
        #expect(JSONValue.number("250").intValue == 250)
        #expect(JSONValue.number("250.0").intValue == 250)
        #expect(JSONValue.number("2.5e2").intValue == 250)
        #expect(JSONValue.number("2.5").intValue == nil)
        #expect(JSONValue.number("12345678901234567890").intValue == nil)
        #expect(JSONValue.number("0.70").doubleValue == 0.7)
        #expect(JSONValue.string("1").intValue == nil)
        #expect(JSONValue.string("0.7").doubleValue == nil)
        #expect(JSONValue.int(-3) == .number("-3"))
    }

    // MARK: Strings

    @Test func escapesAreDecoded() throws {
        let value = try JSONValue(parsing: #""q\" b\\ s\/ \b\f\n\r\t \u00e9\u20AC \u0041""#)
        #expect(value == .string("q\" b\\ s/ \u{08}\u{0C}\n\r\t é€ A"))
    }

    @Test func escapedNulIsKept() throws {
        let value = try JSONValue(parsing: #""a\u0000b""#)
        #expect(value.stringValue.map { Array($0.utf8) } == [0x61, 0x00, 0x62])
    }

    @Test func surrogatePairDecodesToOneScalar() throws {
        let lower = try JSONValue(parsing: #""wine \ud83c\udf77!""#)
        let upper = try JSONValue(parsing: #""wine \uD83C\uDF77!""#)
        #expect(lower == .string("wine 🍷!"))
        #expect(upper == lower)
        #expect(lower.stringValue?.unicodeScalars.map(\.value) == [0x77, 0x69, 0x6E, 0x65, 0x20, 0x1F377, 0x21])
    }

    @Test(arguments: [
        #""\ud83c""#,  // lone high surrogate at the end
        #""\ud83c wine""#,  // high surrogate followed by text
        #""\ud83c\n""#,  // high surrogate followed by another escape
        #""\udf77""#,  // lone low surrogate
        #""\ud83c\u0041""#,  // high surrogate followed by a non-surrogate
        #""\ud83c\ud83c""#,  // two high surrogates
        #""\udf77\ud83c""#,  // pair in the wrong order
    ])
    func invalidSurrogatesAreRejected(_ text: String) throws {
        let error = try #require(Wire.parseError(text))
        #expect(error.reason == "unpaired surrogate")
    }

    @Test(arguments: [#""\x41""#, #""\'""#, #""\u12""#, #""\u12G4""#, #""\U0041""#, #""\"#, #""abc"#])
    func malformedStringsAreRejected(_ text: String) {
        #expect(Wire.parseError(text) != nil, "\(text) should not parse")
    }

    @Test func rawControlCharactersInStringsAreRejected() throws {
        for byte in UInt8(0)..<0x20 {
            // Plain string (fast path) and after an escape (slow path).
            for prefix in [[UInt8](), Wire.bytes(#"\n"#)] {
                let text: [UInt8] = [0x22] + prefix + [0x61, byte, 0x62, 0x22]
                let error = try #require(Wire.parseError(text), "byte \(byte) must be rejected")
                #expect(error.reason == "control character in string")
                #expect(error.offset == prefix.count + 2)
            }
        }
    }

    @Test func deleteAndNonASCIIAreAcceptedRaw() throws {
        #expect(try JSONValue(parsing: "\"a\u{7F}b Café 🍷\"") == .string("a\u{7F}b Café 🍷"))
        #expect(try JSONValue(parsing: "\"\\n Café 🍷\"") == .string("\n Café 🍷"))
    }

    @Test(arguments: [
        [0xFF],  // never valid
        [0xC3],  // truncated two-byte sequence
        [0xE2, 0x82],  // truncated three-byte sequence
        [0xC0, 0xAF],  // overlong "/"
        [0xED, 0xA0, 0x80],  // UTF-8-encoded surrogate
        [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0x80],  // lone continuation byte
    ] as [[UInt8]])
    func invalidUTF8InStringsIsRejected(_ sequence: [UInt8]) throws {
        for prefix in [Wire.bytes("ok "), Wire.bytes(#"\t"#)] {
            let text: [UInt8] = [0x22] + prefix + sequence + [0x22]
            let error = try #require(Wire.parseError(text), "\(sequence) must be rejected")
            #expect(error.reason == "invalid UTF-8 in string")
        }
    }

    @Test func invalidUTF8OutsideStringsIsRejected() {
        #expect(Wire.parseError([0xEF, 0xBB, 0xBF] + Wire.bytes("{}")) != nil)  // a BOM is not JSON
        #expect(Wire.parseError(Wire.bytes("[1,") + [0xFF] + Wire.bytes("]")) != nil)
    }

    // MARK: Structure

    @Test(arguments: [
        "", "   ", "{", "[", "[1,]", "[,1]", #"{"a":1,}"#, #"{"a" 1}"#, "{a:1}", "[1 2]", "'a'", #"{"a":}"#, "tru", "nul",
        "nulx", "True", "[1}", #"{"a":1]"#, "{1:2}",
    ])
    func malformedDocumentsAreRejected(_ text: String) {
        #expect(Wire.parseError(text) != nil, "\(text) should not parse")
    }

    @Test(arguments: ["{} {}", "[1]]", "truex", "null,", #""a""b""#, "{}x", "1 2", "{}\u{0}"])
    func trailingGarbageIsRejected(_ text: String) throws {
        let error = try #require(Wire.parseError(text))
        #expect(error.reason == "unexpected data after the JSON value")
    }

    @Test func errorNamesTheByteOffset() throws {
        let error = try #require(Wire.parseError("[1, x]"))
        #expect(error.offset == 4)
        #expect(error.description == "unexpected character at byte 4")
        #expect(Wire.parseError("{} {}")?.offset == 3)
    }

    @Test func nestingUpTo128LevelsIsAccepted() throws {
        let arrays = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        #expect(Wire.parseError(arrays) == nil)
        let objects = String(repeating: #"{"a":"#, count: 127) + "{}" + String(repeating: "}", count: 127)
        #expect(Wire.parseError(objects) == nil)
    }

    @Test func nestingBeyond128LevelsIsRejected() throws {
        let arrays = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        #expect(Wire.parseError(arrays)?.reason == "nesting too deep")
        let objects = String(repeating: #"{"a":"#, count: 128) + "{}" + String(repeating: "}", count: 128)
        #expect(Wire.parseError(objects)?.reason == "nesting too deep")
    }

    @Test func hostileNestingIsRejectedWithoutExhaustingTheStack() {
        let hostile = String(repeating: #"[{"a":"#, count: 200_000)
        #expect(Wire.parseError(hostile)?.reason == "nesting too deep")
    }

    @Test(arguments: [
        RequestFixtures.telnyxCustomLLM, RequestFixtures.vapiCustomLLM, RequestFixtures.openAIClientWithEveryKnob,
        ResponseFixtures.openAIChatCompletionWithToolCalls, ResponseFixtures.openAIContextLengthError,
    ])
    func recordedFixturesParse(_ text: String) throws {
        guard case .object = try JSONValue(parsing: text) else {
            Issue.record("fixture is not an object")
            return
        }
    }
}
