/// The demo practice's documents, as an operator would drop them in with
/// `frontdesk knowledge add`: what `search_knowledge` and the live context find out of the
/// box. They agree with `DemoBusiness`'s FAQ and say a little more than it does.
public enum DemoDocuments {
    public static let all: [(sourceName: String, title: String, body: String)] = [
        ("insurance.md", "Insurance we accept", """
            # Insurance we accept

            ## PPO plans
            We accept most PPO dental plans, including Delta Dental, Cigna, Aetna, MetLife and Guardian. \
            We send the claim to your insurer for you; you pay your copay or deductible at the visit.

            ## HMO plans
            We do not accept HMO (DHMO) plans. You are still welcome as a self-pay patient.

            ## Paying without insurance
            Self-pay patients pay at the visit. We take cash, debit and all major credit cards, and larger \
            treatment can be split into monthly payments.

            ## Checking your benefits
            Bring your insurance card to your first visit. With a day's notice we can check your benefits \
            and estimate what you will owe before the visit.
            """),
        ("first-visit.md", "Before your first visit", """
            # Before your first visit

            ## What to bring
            - A photo ID
            - Your insurance card
            - A list of the medications you take, with doses

            If you have dental X-rays from the last two years, ask your previous dentist to send them to us.

            ## When to arrive
            Please arrive 15 minutes early to fill in your health history and consent forms. If you arrive \
            more than 15 minutes late we may need to move your visit.

            ## Children
            A parent or legal guardian must come with patients under 18 and sign the consent form.

            ## Getting here
            Downtown office: the garage at 118 Main Street validates two hours. Uptown office: free parking \
            behind the building.
            """),
        ("cancellation-policy.md", "Cancellation policy", """
            # Cancellation policy

            ## Giving notice
            Please cancel or reschedule at least 24 hours before your appointment. You can call us at any \
            time, day or night, and the assistant will move or cancel it for you.

            ## Late cancellations and missed visits
            A cancellation with less than 24 hours' notice, or a missed appointment, may incur a $50 fee. \
            After two missed appointments we may ask for a deposit to book again.

            ## Illness and emergencies
            If you are sick or have a family emergency, call us: we waive the fee in those cases.
            """),
    ]
}
