import Foundation
/// Everything a front desk needs to know about the practice: the import file format
/// (snake_case JSON) and what `AppointmentBook.profile()` reads back.
///
/// Missing optional arrays decode as empty so a hand-written file stays short.
public struct BusinessProfile: Codable, Sendable, Equatable {
    public var business: BusinessInfo
    public var bookingRules: BookingRules
    public var locations: [LocationProfile]
    public var providers: [ProviderProfile]
    public var services: [ServiceProfile]
    public var overrides: [DateOverride]
    /// Patients to create with the profile (the demo seed uses it); `profile()` returns nil here.
    public var patients: [PatientSeed]?
    /// How the business texts patients; nil: it sends no texts.
    public var messaging: MessagingSettings?

    public init(
        business: BusinessInfo, bookingRules: BookingRules = BookingRules(), locations: [LocationProfile],
        providers: [ProviderProfile], services: [ServiceProfile], overrides: [DateOverride] = [],
        patients: [PatientSeed]? = nil, messaging: MessagingSettings? = nil
    ) {
        self.business = business
        self.bookingRules = bookingRules
        self.locations = locations
        self.providers = providers
        self.services = services
        self.overrides = overrides
        self.patients = patients
        self.messaging = messaging
    }

    enum CodingKeys: String, CodingKey {
        case business, bookingRules = "booking_rules", locations, providers, services, overrides, patients, messaging
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        business = try c.decode(BusinessInfo.self, forKey: .business)
        bookingRules = try c.decodeIfPresent(BookingRules.self, forKey: .bookingRules) ?? BookingRules()
        locations = try c.decodeIfPresent([LocationProfile].self, forKey: .locations) ?? []
        providers = try c.decodeIfPresent([ProviderProfile].self, forKey: .providers) ?? []
        services = try c.decodeIfPresent([ServiceProfile].self, forKey: .services) ?? []
        overrides = try c.decodeIfPresent([DateOverride].self, forKey: .overrides) ?? []
        patients = try c.decodeIfPresent([PatientSeed].self, forKey: .patients)
        messaging = try c.decodeIfPresent(MessagingSettings.self, forKey: .messaging)
    }
}

extension BusinessProfile {
    /// The business's clock. A stored profile was validated, so its zone is known; UTC is only
    /// the fallback for a profile that was never checked.
    public var clock: ZonedClock {
        ZonedClock(identifier: business.timeZone) ?? ZonedClock(timeZone: TimeZone(identifier: "UTC")!)
    }
}
