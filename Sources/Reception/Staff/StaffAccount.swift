/// A person who signs in to the console: one business's staff member. `staff` see and change
/// the schedule and read calls; an `operator` may also change the business's settings, users
/// and API keys.
public struct StaffAccount: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        case staff, `operator`
    }

    public var id: Int64
    public var businessID: String
    public var username: String
    public var role: Role

    public init(id: Int64, businessID: String, username: String, role: Role) {
        self.id = id
        self.businessID = businessID
        self.username = username
        self.role = role
    }

    /// How the account acts at the front desk (audited as `user:<username>`).
    public func member(channel: String) -> StaffMember { StaffMember(id: "user:\(username)", channel: channel) }
}

/// A signed-in console session: whose it is and the token every form must echo (CSRF).
public struct StaffSession: Sendable, Equatable {
    public var account: StaffAccount
    public var csrfToken: String

    public init(account: StaffAccount, csrfToken: String) {
        self.account = account
        self.csrfToken = csrfToken
    }
}
