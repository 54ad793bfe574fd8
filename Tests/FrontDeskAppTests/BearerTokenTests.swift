@testable import FrontDeskApp
import Testing

@Suite("The bearer token of an Authorization header")
struct BearerTokenTests {
    @Test(arguments: [
        ("Bearer sk-key-123", "sk-key-123"),
        ("bearer sk-key-123", "sk-key-123"),
        ("BEARER sk-key-123", "sk-key-123"),
        ("Bearer \t sk-key-123 \t ", "sk-key-123"),
        ("Bearer клю́ч", "клю́ч"),
    ])
    func theTokenIsWhatFollowsTheSchemeTrimmed(_ header: String, _ token: String) {
        #expect(APIKeyMiddleware.bearerToken(header) == token)
    }

    @Test(arguments: ["", "Bearer", "Bearer ", "Bearer  \t ", "Basic dXNlcjpwYXNz", "Bearersk-key-123", "Bearer\tsk-key", "Bëarer sk-key"])
    func anythingElseIsNoToken(_ header: String) {
        #expect(APIKeyMiddleware.bearerToken(header) == nil)
    }

    @Test func noHeaderIsNoToken() {
        #expect(APIKeyMiddleware.bearerToken(nil) == nil)
    }
}
