import OpenAIWire
import Testing

/// A recorded stream with the name of the upstream it imitates.
struct RecordedStream: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let text: String

    static let all = [
        RecordedStream(testDescription: "OpenAI: name once, then argument fragments", text: StreamFixtures.openAIToolCallStream),
        RecordedStream(testDescription: "llama.cpp: name repeated in every delta", text: StreamFixtures.llamaCppRepeatedNameStream),
        RecordedStream(testDescription: "Ollama: whole calls in one delta", text: StreamFixtures.wholeCallInOneDeltaStream),
        RecordedStream(testDescription: "vLLM: two calls interleaved by index", text: StreamFixtures.interleavedToolCallStream),
    ]
}

@Suite("Tool call assembler")
struct ToolCallAssemblerTests {
    @Test(arguments: RecordedStream.all)
    func everyStreamShapeAssemblesTheSameCalls(_ stream: RecordedStream) throws {
        let assembled = try Wire.assemble(stream.text)
        #expect(assembled.calls == Wire.expectedCalls)
        #expect(assembled.finishReason == "tool_calls")
        for call in assembled.calls { #expect(throws: Never.self) { try JSONValue(parsing: call.arguments) } }
    }

    @Test(arguments: RecordedStream.all)
    func assemblyDoesNotDependOnHowBytesArrive(_ stream: RecordedStream) throws {
        var decoder = ServerSentEventDecoder()
        var assembler = ToolCallAssembler()
        let bytes = Wire.bytes(stream.text)
        var start = 0
        // Uneven reads, like TCP: 1, 2, 3, ... bytes at a time.
        var size = 1
        while start < bytes.count {
            let end = min(start + size, bytes.count)
            for event in decoder.feed(bytes[start..<end]) where event != "[DONE]" {
                for delta in try ChatCompletionChunk(json: try JSONValue(parsing: event)).delta?.toolCalls ?? [] { assembler.add(delta) }
            }
            start = end
            size = size % 97 + 1
        }
        #expect(decoder.finish().isEmpty)
        #expect(assembler.calls() == Wire.expectedCalls)
    }

    @Test func openAIStreamAlsoAssemblesItsTextAndUsage() throws {
        let assembled = try Wire.assemble(StreamFixtures.openAIToolCallStream)
        #expect(assembled.content == "One moment while I check Café Lumière’s book 🍷.")
        #expect(assembled.usage == Usage(promptTokens: 412, completionTokens: 58))
    }

    @Test func llamaCppUsageOnTheFinishChunkIsRead() throws {
        let assembled = try Wire.assemble(StreamFixtures.llamaCppRepeatedNameStream)
        #expect(assembled.content == "")
        #expect(assembled.usage == Usage(promptTokens: 388, completionTokens: 61))
    }

    @Test func wholeCallStreamWithoutIndexUsesPositionInTheDelta() throws {
        let chunks = try Wire.chunks(StreamFixtures.wholeCallInOneDeltaStream)
        #expect(chunks.first?.delta?.toolCalls.map(\.index) == [0, 1])
    }

    @Test func emptyAssemblerHasNoCalls() {
        let assembler = ToolCallAssembler()
        #expect(assembler.isEmpty)
        #expect(assembler.calls().isEmpty)
    }

    @Test func nameSplitAcrossFragmentsIsJoined() {
        var assembler = ToolCallAssembler()
        assembler.add(ToolCallDelta(index: 0, id: "call_1", name: "check_", arguments: ""))
        assembler.add(ToolCallDelta(index: 0, name: "availability", arguments: "{}"))
        #expect(assembler.calls() == [ToolCall(id: "call_1", name: "check_availability", arguments: "{}")])
    }

    @Test func repeatedNameIsNotDoubled() {
        var assembler = ToolCallAssembler()
        for fragment in [#"{"phone""#, #":"+1415"#, #"5550123"}"#] {
            assembler.add(ToolCallDelta(index: 0, id: "call_1", name: "lookup_customer", arguments: fragment))
        }
        #expect(assembler.calls() == [ToolCall(id: "call_1", name: "lookup_customer", arguments: #"{"phone":"+14155550123"}"#)])
    }

    @Test func nameResentInFullAfterAFragmentReplacesTheFragment() {
        var assembler = ToolCallAssembler()
        assembler.add(ToolCallDelta(index: 0, id: "call_1", name: "check_", arguments: ""))
        assembler.add(ToolCallDelta(index: 0, name: "check_availability", arguments: "{}"))
        assembler.add(ToolCallDelta(index: 0, name: "check_availability"))
        #expect(assembler.calls() == [ToolCall(id: "call_1", name: "check_availability", arguments: "{}")])
    }

    @Test func emptyIdAndNameInLaterFragmentsDoNotEraseEarlierOnes() {
        var assembler = ToolCallAssembler()
        assembler.add(ToolCallDelta(index: 0, id: "call_1", name: "lookup_customer", arguments: "{"))
        assembler.add(ToolCallDelta(index: 0, id: "", name: "", arguments: "}"))
        #expect(assembler.calls() == [ToolCall(id: "call_1", name: "lookup_customer", arguments: "{}")])
    }

    @Test func callWithoutArgumentsGetsAnEmptyObject() {
        var assembler = ToolCallAssembler()
        assembler.add(ToolCallDelta(index: 0, id: "call_1", name: "end_call"))
        #expect(assembler.calls().first?.arguments == "{}")
    }

    @Test func callsWithoutIdsGetDistinctGeneratedIds() {
        var assembler = ToolCallAssembler()
        assembler.add(ToolCallDelta(index: 0, name: "a", arguments: "{}"))
        assembler.add(ToolCallDelta(index: 1, name: "b", arguments: "{}"))
        #expect(assembler.calls().map(\.id) == ["call_0_0", "call_1_1"])
        #expect(assembler.calls(idPrefix: "call_fd_").map(\.id) == ["call_fd_0_0", "call_fd_1_1"])
    }

    @Test func callsComeInTheOrderTheyFirstAppeared() {
        var assembler = ToolCallAssembler()
        assembler.add(ToolCallDelta(index: 1, id: "call_b", name: "b", arguments: "{"))
        assembler.add(ToolCallDelta(index: 0, id: "call_a", name: "a", arguments: "{"))
        assembler.add(ToolCallDelta(index: 1, arguments: "}"))
        assembler.add(ToolCallDelta(index: 0, arguments: "}"))
        #expect(assembler.calls().map(\.id) == ["call_b", "call_a"])
        #expect(!assembler.isEmpty)
    }
}
