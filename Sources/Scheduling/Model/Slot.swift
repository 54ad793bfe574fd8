import Foundation

/// A bookable interval for one service with one provider at one location.
public struct Slot: Codable, Sendable, Hashable {
    public var start: Date
    public var end: Date
    public var providerID: String
    public var locationID: String
    public var serviceID: String

    public init(start: Date, end: Date, providerID: String, locationID: String, serviceID: String) {
        self.start = start
        self.end = end
        self.providerID = providerID
        self.locationID = locationID
        self.serviceID = serviceID
    }
}
