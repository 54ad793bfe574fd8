import Reception

/// FrontDesk's calendar tools, in the order the model sees them: thin adapters from a model's
/// arguments to the front desk's use cases (as the caller of the turn) and back to JSON a
/// voice can read. Rules, authority and audit live in `FrontDesk`, not here.
public enum AppointmentTools {
    public static func all(desk: FrontDesk) -> [any AgentTool] {
        [
            FindAvailableSlotsTool(desk: desk),
            HoldSlotTool(desk: desk),
            BookAppointmentTool(desk: desk),
            CancelAppointmentTool(desk: desk),
            RescheduleAppointmentTool(desk: desk),
            GetPatientAppointmentsTool(desk: desk),
            SearchPatientsTool(desk: desk),
            CreatePatientTool(desk: desk),
            GetProvidersTool(desk: desk),
            GetServicesTool(desk: desk),
            GetLocationsTool(desk: desk),
            GetBusinessInfoTool(desk: desk),
            GetReminderContextTool(desk: desk),
            ConfirmAppointmentTool(desk: desk),
        ]
    }

    /// Every tool name FrontDesk answers itself, without building the tools: what `persona
    /// check` checks a stage's `tools:` line against (a test keeps it equal to the tools built).
    public static let names: [String] = [
        "find_available_slots", "hold_slot", "book_appointment", "cancel_appointment", "reschedule_appointment",
        "get_patient_appointments", "search_patients", "create_patient", "get_providers", "get_services", "get_locations",
        "get_business_info", "get_reminder_context", "confirm_appointment", SearchKnowledgeTool.name,
    ]
}
