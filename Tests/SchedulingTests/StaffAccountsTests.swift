import Foundation
import Reception
import SQLiteStore
import Scheduling
import Testing

/// Console accounts live in the server's own file: unique names, sessions that end with the
/// password or the user, and a count of failed sign-ins per name and per address.
@Suite("Console accounts, sessions and sign-in attempts")
struct StaffAccountsTests {
    func counts(_ failures: (username: Int, client: Int)) -> [Int] { [failures.username, failures.client] }

    static func accounts() throws -> (StaffAccounts, BusinessRegistry) {
        let path = TestBook.temporaryPath("home")
        let registry = try BusinessRegistry(homePath: path)
        return (try StaffAccounts(homePath: path), registry)
    }

    @Test func usersBelongToOneBusinessAndNamesAreUniqueAcrossTheServer() throws {
        let (accounts, registry) = try Self.accounts()
        _ = try registry.addBusiness(id: "uptown")
        let alice = try accounts.addUser(username: "alice", businessID: "default", role: .staff, passwordHash: "h1")
        try accounts.addUser(username: "bob", businessID: "uptown", role: .operator, passwordHash: "h2")
        #expect(throws: SchedulingError.invalid(field: "username", message: "is taken")) {
            try accounts.addUser(username: "ALICE", businessID: "uptown", role: .staff, passwordHash: "h3")
        }
        #expect(throws: SchedulingError.notFound("business")) {
            try accounts.addUser(username: "carol", businessID: "nowhere", role: .staff, passwordHash: "h")
        }
        #expect(throws: SchedulingError.invalid(field: "username", message: "use 1–64 letters, digits, '.', '_', '@' or '-'")) {
            try accounts.addUser(username: "<script>", businessID: "default", role: .staff, passwordHash: "h")
        }
        #expect(try accounts.users(businessID: "uptown").map(\.username) == ["bob"])
        #expect(try accounts.credentials(username: "alice")?.account == alice)
        #expect(try accounts.credentials(username: "alice")?.passwordHash == "h1")
        // Removing a business removes its users
        try registry.removeBusiness(id: "uptown")
        #expect(try accounts.credentials(username: "bob") == nil)
    }

    @Test func sessionsEndWhenTheyExpireTheUserSignsOutChangesPasswordOrIsRemoved() throws {
        let (accounts, _) = try Self.accounts()
        let alice = try accounts.addUser(username: "alice", businessID: "default", role: .staff, passwordHash: "h1")
        let now = Date()
        try accounts.createSession(token: "t1", csrfToken: "c1", account: alice, lifetime: 60, now: now)
        try accounts.createSession(token: "t2", csrfToken: "c2", account: alice, lifetime: 60, now: now)
        try accounts.createSession(token: "t3", csrfToken: "c3", account: alice, lifetime: 60, now: now)
        #expect(try accounts.session(token: "t1", now: now) == StaffSession(account: alice, csrfToken: "c1"))
        #expect(try accounts.session(token: "t1", now: now.addingTimeInterval(61)) == nil)
        #expect(try accounts.session(token: "unknown", now: now) == nil)
        try accounts.endSession(token: "t1")
        #expect(try accounts.session(token: "t1", now: now) == nil)
        #expect(try accounts.session(token: "t2", now: now) != nil)
        try accounts.setPassword(username: "alice", passwordHash: "h2")
        #expect(try accounts.session(token: "t2", now: now) == nil)
        try accounts.createSession(token: "t4", csrfToken: "c4", account: alice, lifetime: 60, now: now)
        try accounts.removeUser(username: "alice")
        #expect(try accounts.session(token: "t4", now: now) == nil)
        #expect(throws: SchedulingError.notFound("user")) { try accounts.removeUser(username: "alice") }
    }

    @Test func failedSignInsAreCountedPerNameAndPerAddressAndASuccessForgivesTheName() throws {
        let (accounts, _) = try Self.accounts()
        let now = Date()
        for _ in 0..<3 { try accounts.recordAttempt(username: "alice", client: "10.0.0.1", succeeded: false, now: now) }
        try accounts.recordAttempt(username: "bob", client: "10.0.0.1", succeeded: false, now: now)
        let since = now.addingTimeInterval(-900)
        #expect(try counts(accounts.recentFailures(username: "alice", client: "10.0.0.1", since: since)) == [3, 4])
        #expect(try counts(accounts.recentFailures(username: "ALICE", client: "10.0.0.2", since: since)) == [3, 0])
        #expect(try counts(accounts.recentFailures(username: "alice", client: nil, since: now.addingTimeInterval(1))) == [0, 0])
        try accounts.recordAttempt(username: "alice", client: "10.0.0.1", succeeded: true, now: now)
        #expect(try counts(accounts.recentFailures(username: "alice", client: "10.0.0.1", since: since)) == [0, 1])
    }
}
