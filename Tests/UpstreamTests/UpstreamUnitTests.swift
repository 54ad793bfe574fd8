import Testing
@testable import Upstream

/// The pure pieces: head parsing, retry arithmetic, URL handling, redaction.
@Suite("Upstream pure logic")
struct UpstreamUnitTests {
    @Test func headParserSkipsInterimHeadsAndIgnoresTrailers() {
        var parser = ResponseHeadParser()
        let lines = ["HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 429 Too Many Requests\r\n", "Retry-After:  2 \r\n", "x-a: b:c\r\n"]
        for line in lines { #expect(parser.feed(Array(line.utf8)) == nil) }

        let head = parser.feed(Array("\r\n".utf8))

        #expect(head?.status == 429)
        #expect(head?.headers.map(\.name) == ["Retry-After", "x-a"])
        #expect(head?.headers.map(\.value) == ["2", "b:c"])
        #expect(parser.feed(Array("x-trailer: 1\r\n".utf8)) == nil)
    }

    @Test func headParserReadsHTTP2StatusLines() {
        var parser = ResponseHeadParser()
        _ = parser.feed(Array("HTTP/2 200\r\n".utf8))
        #expect(parser.feed(Array("\r\n".utf8))?.status == 200)
    }

    @Test func backoffIsFullJitterUnderAnExponentialCeiling() {
        let policy = RetryPolicy(maxRetries: 2, baseDelay: .milliseconds(100), maxDelay: .milliseconds(350))
        #expect(policy.backoff(beforeRetry: 0, jitter: 1) == .milliseconds(100))
        #expect(policy.backoff(beforeRetry: 1, jitter: 1) == .milliseconds(200))
        #expect(policy.backoff(beforeRetry: 1, jitter: 0.5) == .milliseconds(100))
        #expect(policy.backoff(beforeRetry: 5, jitter: 1) == .milliseconds(350))
        #expect(policy.backoff(beforeRetry: 3, jitter: 0) == .zero)
    }

    @Test func retryAfterReadsSecondsAndMillisecondsAndIgnoresDates() {
        #expect(RetryPolicy.retryAfter(in: [(name: "Retry-After", value: " 3 ")]) == .seconds(3))
        #expect(RetryPolicy.retryAfter(in: [(name: "retry-after-ms", value: "250"), (name: "retry-after", value: "1")]) == .milliseconds(250))
        #expect(RetryPolicy.retryAfter(in: [(name: "Retry-After", value: "Wed, 21 Oct 2015 07:28:00 GMT")]) == nil)
        #expect(RetryPolicy.retryAfter(in: [(name: "Retry-After", value: "-1")]) == nil)
    }

    @Test func onlyRateLimitsAndGatewayErrorsAreRetryable() {
        #expect([429, 500, 502, 503, 504].allSatisfy(RetryPolicy.isRetryable(status:)))
        #expect(![400, 401, 403, 404, 422, 501].contains(where: RetryPolicy.isRetryable(status:)))
    }

    @Test func urlsJoinWithOneSlashAndLogsShowOnlyTheHost() {
        #expect(CurlUpstreamClient.url("https://api.openai.com/v1/", "/chat/completions") == "https://api.openai.com/v1/chat/completions")
        #expect(CurlUpstreamClient.url("https://api.openai.com/v1", "chat/completions") == "https://api.openai.com/v1/chat/completions")
        #expect(CurlUpstreamClient.host(of: "https://user:pw@llm.internal:8443/v1") == "llm.internal:8443")
    }

    @Test func requestDescriptionRedactsTheToken() {
        let request = UpstreamHTTPRequest(path: "/x", body: Array("secret words".utf8), bearerToken: "sk-live-123")
        #expect(!request.description.contains("sk-live-123"))
        #expect(!request.debugDescription.contains("secret words"))
    }

    @Test func durationsRoundUpToWholeMilliseconds() {
        #expect(Duration.microseconds(1).wholeMilliseconds == 1)
        #expect(Duration.milliseconds(1500).wholeMilliseconds == 1500)
        #expect(Duration.zero.wholeMilliseconds == 0)
    }
}
