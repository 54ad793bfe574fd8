import Foundation

/// A request to book `serviceID` for a patient starting at `start`.
///
/// `providerID`/`locationID` nil means "whoever/wherever is free at that time".
/// `idempotencyKey` (built by the caller from conversation + tool + canonical arguments) makes
/// a retried request return the first booking instead of booking twice.
public struct BookingRequest: Sendable, Equatable {
    public var patientID: Int64
    public var serviceID: String
    public var providerID: String?
    public var locationID: String?
    public var start: Date
    public var notes: String?
    public var conversationID: String?
    public var idempotencyKey: String?

    public init(
        patientID: Int64, serviceID: String, providerID: String? = nil, locationID: String? = nil, start: Date,
        notes: String? = nil, conversationID: String? = nil, idempotencyKey: String? = nil
    ) {
        self.patientID = patientID
        self.serviceID = serviceID
        self.providerID = providerID
        self.locationID = locationID
        self.start = start
        self.notes = notes
        self.conversationID = conversationID
        self.idempotencyKey = idempotencyKey
    }
}

/// A slot held for one conversation until `expiresAt`; others cannot book it meanwhile.
public struct Hold: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var conversationID: String
    public var slot: Slot
    public var expiresAt: Date

    public init(id: Int64, conversationID: String, slot: Slot, expiresAt: Date) {
        self.id = id
        self.conversationID = conversationID
        self.slot = slot
        self.expiresAt = expiresAt
    }
}
