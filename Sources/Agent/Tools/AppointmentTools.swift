import SQLiteStore
import Scheduling

/// FrontDesk's calendar tools, in the order the model sees them. Patient-specific tools share
/// one `CallerAuthority`, so a verification by one tool counts for the others in the same call.
public enum AppointmentTools {
    public static func all(book: AppointmentBook, authority: CallerAuthority) -> [any AgentTool] {
        [
            FindAvailableSlotsTool(book: book),
            HoldSlotTool(book: book, authority: authority),
            BookAppointmentTool(book: book, authority: authority),
            CancelAppointmentTool(book: book, authority: authority),
            RescheduleAppointmentTool(book: book, authority: authority),
            GetPatientAppointmentsTool(book: book, authority: authority),
            SearchPatientsTool(authority: authority),
            CreatePatientTool(authority: authority),
            GetProvidersTool(book: book),
            GetServicesTool(book: book),
            GetLocationsTool(book: book),
            GetBusinessInfoTool(book: book),
        ]
    }
}
