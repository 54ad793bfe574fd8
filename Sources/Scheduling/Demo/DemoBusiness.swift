/// "Bright Smile Dental": the realistic demo practice `seed` loads and a fresh server starts
/// with. `env/business.example.json` is this profile in the import format (a test keeps them equal).
public enum DemoBusiness {
    public static let profile: BusinessProfile = {
        let lunch = [TimeRange(start: "12:00", end: "13:00")]
        func week(_ days: [Weekday], _ open: String, _ close: String, breaks: [TimeRange] = [], at location: String? = nil) -> [WeeklyHours] {
            days.map { WeeklyHours(day: $0, open: open, close: close, breaks: breaks, location: location) }
        }
        return BusinessProfile(
            business: BusinessInfo(
                name: "Bright Smile Dental",
                timeZone: "America/New_York",
                phone: "+12125550140",
                address: "120 Main Street, Suite 200, New York, NY 10001",
                faq: [
                    FAQEntry(question: "Where can I park?",
                             answer: "Downtown: the garage at 118 Main Street validates two hours. Uptown: free parking behind the building."),
                    FAQEntry(question: "Which insurance do you accept?",
                             answer: "Most PPO plans, including Delta Dental, Cigna, Aetna, MetLife and Guardian. We do not accept HMO plans."),
                    FAQEntry(question: "What is your cancellation policy?",
                             answer: "Please cancel or reschedule at least 24 hours ahead. Late cancellations may incur a $50 fee."),
                    FAQEntry(question: "What should a new patient bring?",
                             answer: "A photo ID, your insurance card, and a list of current medications. Please arrive 15 minutes early."),
                    FAQEntry(question: "What if I have a dental emergency?",
                             answer: "Call us as early as you can: we keep same-day emergency visits open. After hours, go to the nearest emergency room."),
                ]),
            bookingRules: BookingRules(slotStepMinutes: 15, minimumNoticeMinutes: 120, horizonDays: 90, holdMinutes: 5),
            locations: [
                LocationProfile(id: "downtown", name: "Downtown office", address: "120 Main Street, Suite 200, New York, NY 10001",
                                phone: "+12125550140", hours: week([.monday, .tuesday, .wednesday, .thursday, .friday], "08:00", "18:00")),
                LocationProfile(id: "uptown", name: "Uptown office", address: "2450 Broadway, New York, NY 10024", phone: "+12125550160",
                                hours: week([.monday, .tuesday, .wednesday, .thursday, .friday], "08:00", "18:00") + week([.saturday], "09:00", "13:00")),
            ],
            providers: [
                ProviderProfile(id: "dr-patel", name: "Dr. Anika Patel", title: "DDS, General Dentist",
                                specialties: ["general dentistry", "fillings", "crowns"], locations: ["downtown", "uptown"],
                                hours: week([.monday, .wednesday, .friday], "08:00", "17:00", breaks: lunch, at: "downtown")
                                    + week([.tuesday, .thursday], "09:00", "18:00", breaks: [TimeRange(start: "13:00", end: "14:00")], at: "uptown")),
                ProviderProfile(id: "dr-chen", name: "Dr. Marcus Chen", title: "DMD, Cosmetic Dentist",
                                specialties: ["cosmetic dentistry", "whitening", "veneers"], locations: ["downtown"],
                                hours: week([.monday, .tuesday, .wednesday, .thursday], "09:00", "17:00", breaks: [TimeRange(start: "12:30", end: "13:30")])),
                ProviderProfile(id: "dr-okafor", name: "Dr. Grace Okafor", title: "DDS, Pediatric Dentist",
                                specialties: ["pediatric dentistry", "emergency care"], locations: ["uptown"],
                                hours: week([.monday, .tuesday, .wednesday, .thursday, .friday], "08:00", "16:00", breaks: [TimeRange(start: "12:00", end: "12:30")])
                                    + week([.saturday], "09:00", "13:00")),
                ProviderProfile(id: "rivera", name: "Sofia Rivera", title: "RDH, Dental Hygienist",
                                specialties: ["cleanings", "periodontal maintenance"], locations: ["downtown", "uptown"],
                                hours: week([.monday, .tuesday], "08:00", "17:00", breaks: lunch, at: "downtown")
                                    + week([.wednesday, .thursday, .friday], "08:00", "16:00", breaks: [TimeRange(start: "12:00", end: "12:30")], at: "uptown")),
            ],
            services: [
                ServiceProfile(id: "cleaning", name: "Teeth cleaning", durationMinutes: 60, bufferAfterMinutes: 10,
                               providers: ["rivera", "dr-patel"], description: "Routine cleaning and polish by a hygienist."),
                ServiceProfile(id: "exam", name: "Dental exam", durationMinutes: 30,
                               providers: ["dr-patel", "dr-okafor", "dr-chen"], description: "Check-up with X-rays if due."),
                ServiceProfile(id: "filling", name: "Filling", durationMinutes: 60, bufferAfterMinutes: 15,
                               providers: ["dr-patel", "dr-okafor"], description: "Tooth-coloured composite filling."),
                ServiceProfile(id: "whitening", name: "Teeth whitening", durationMinutes: 90, bufferBeforeMinutes: 10, bufferAfterMinutes: 15,
                               providers: ["dr-chen"], description: "In-office whitening session."),
                ServiceProfile(id: "emergency", name: "Emergency visit", durationMinutes: 45,
                               providers: ["dr-patel", "dr-okafor"], description: "Pain, swelling, a broken tooth or a lost filling."),
                ServiceProfile(id: "consultation", name: "New patient consultation", durationMinutes: 30,
                               providers: ["dr-chen", "dr-patel"], description: "Meet the dentist and plan treatment."),
            ],
            overrides: [
                DateOverride(date: "2026-11-26", closed: true, reason: "Thanksgiving"),
                DateOverride(date: "2026-11-27", closed: false, open: "09:00", close: "13:00", reason: "Day after Thanksgiving: short day"),
                DateOverride(date: "2026-12-24", closed: false, open: "08:00", close: "12:00", reason: "Christmas Eve: closing at noon"),
                DateOverride(date: "2026-12-25", closed: true, reason: "Christmas Day"),
                DateOverride(date: "2027-01-01", closed: true, reason: "New Year's Day"),
                DateOverride(date: "2027-01-18", closed: true, reason: "Martin Luther King Jr. Day"),
                DateOverride(date: "2027-02-15", closed: true, reason: "Presidents' Day"),
                DateOverride(date: "2027-05-31", closed: true, reason: "Memorial Day"),
                DateOverride(date: "2027-07-05", closed: true, reason: "Independence Day (observed)"),
                DateOverride(date: "2026-12-04", closed: true, provider: "dr-chen", reason: "Dr. Chen is at a conference"),
            ],
            patients: [
                PatientSeed(firstName: "Emily", lastName: "Johnson", dateOfBirth: "1988-04-12", phone: "+12125550101", email: "emily.johnson@example.com", preferredProvider: "dr-patel"),
                PatientSeed(firstName: "Michael", lastName: "Brown", dateOfBirth: "1975-09-30", phone: "+12125550102", email: "m.brown@example.com"),
                PatientSeed(firstName: "Sarah", lastName: "Davis", dateOfBirth: "1992-01-05", phone: "+12125550103", preferredProvider: "rivera"),
                PatientSeed(firstName: "David", lastName: "Miller", dateOfBirth: "1966-11-18", phone: "+12125550104", email: "dmiller@example.com"),
                PatientSeed(firstName: "Olivia", lastName: "Wilson", dateOfBirth: "2015-06-22", phone: "+12125550105", preferredProvider: "dr-okafor"),
                PatientSeed(firstName: "Liam", lastName: "Wilson", dateOfBirth: "2018-03-14", phone: "+12125550105", preferredProvider: "dr-okafor"),
                PatientSeed(firstName: "James", lastName: "Moore", dateOfBirth: "1983-08-09", phone: "+12125550107", email: "james.moore@example.com"),
                PatientSeed(firstName: "Sophia", lastName: "Taylor", dateOfBirth: "1999-12-01", phone: "+12125550108", preferredProvider: "dr-chen"),
                PatientSeed(firstName: "Robert", lastName: "Anderson", dateOfBirth: "1958-02-27", phone: "+12125550109"),
                PatientSeed(firstName: "Ava", lastName: "Thomas", dateOfBirth: "1990-07-19", phone: "+12125550110", email: "ava.thomas@example.com"),
                PatientSeed(firstName: "William", lastName: "Garcia", dateOfBirth: "1979-10-03", phone: "+12125550111"),
                PatientSeed(firstName: "Isabella", lastName: "Martinez", dateOfBirth: "2001-05-25", phone: "+12125550112", preferredProvider: "rivera"),
            ])
    }()

    /// Which service each demo patient (in profile order) is booked for, and how many days ahead.
    package static let bookings: [(service: String, daysAhead: Int, timeOfDay: TimeOfDayFilter)] = [
        ("cleaning", 1, .morning), ("exam", 2, .afternoon), ("cleaning", 3, .any), ("filling", 5, .morning),
        ("exam", 6, .morning), ("exam", 6, .morning), ("emergency", 1, .afternoon), ("whitening", 9, .any),
        ("consultation", 12, .afternoon), ("cleaning", 15, .morning), ("filling", 19, .afternoon), ("cleaning", 24, .any),
    ]
}
