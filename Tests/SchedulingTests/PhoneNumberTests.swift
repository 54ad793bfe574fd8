import Scheduling
import Testing

@Suite struct PhoneNumberTests {
    @Test(arguments: ["(555) 123-4567", "555-123-4567", "1 555 123 4567", "+1 555 123 4567", "555.123.4567", "+15551234567"])
    func usNumbersNormaliseToE164(raw: String) {
        #expect(PhoneNumber(raw)?.e164 == "+15551234567")
    }

    @Test func internationalNumbersKeepTheirCountryCode() {
        #expect(PhoneNumber("+44 20 7946 0958")?.e164 == "+442079460958")
    }

    @Test(arguments: ["", "12345", "555-1234", "(555) 123-45678", "2 555 123 4567", "555-CALL-NOW", "+0 555 123 4567", "055 123 4567", "phone"])
    func malformedNumbersAreRejected(raw: String) {
        #expect(PhoneNumber(raw) == nil)
    }
}
