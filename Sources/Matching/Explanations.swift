import HousingDomain
import RuleBook

extension MatchingEngine {
    /// The full explanation of one pair, suggested or not: every check (passed or failed, with
    /// its numbers), every component with weight and contribution, the cost judgement and trips,
    /// stated in `language`.
    public func explain(
        household profile: HouseholdProfile, listing: Listing, landlordOpenness: Landlord.Openness?, on date: CalendarDate,
        language: ExplanationLanguage = .english
    ) throws -> MatchExplanation {
        let context = try ruleContext(on: date)
        let openness = listing.landlordID == nil ? nil : landlordOpenness
        return explanation(plan(profile, context: context), profile: profile, listing: listing, openness: openness, context: context, language: language)
    }

    /// The explanation of a pair from a prepared plan; `openness` is the listing's landlord's (nil
    /// when the listing names none or the landlord's openness is unknown). Written from the pair's
    /// facts, as a stored suggestion's explanation is when it is read.
    func explanation(
        _ p: Plan, profile: HouseholdProfile, listing: Listing, openness: Landlord.Openness?, context: RuleContext,
        language: ExplanationLanguage = .english
    ) -> MatchExplanation {
        var texts = TextTable()
        let f = facts(p, profile: profile, listing: listing, openness: openness, context: context, texts: &texts)
        // Facts made here always fit their terms: every text they name is in the table.
        return try! MatchExplanation(facts: f, terms: terms(context, texts: texts.texts), language: language)
    }
}

/// What a run keeps to explain its own results: the rules in force, every household's plan and the
/// inputs. Explaining a suggestion then costs one row, the checks, the components and the cost
/// judgement; nothing is looked up or planned again.
final class RunExplainer: Sendable {
    let engine: MatchingEngine
    let context: MatchingEngine.RuleContext
    let plans: [MatchingEngine.Plan?]
    let households: [HouseholdProfile]
    let listings: [Listing]
    let landlords: [Landlord.ID: Landlord.Openness]

    init(engine: MatchingEngine, context: MatchingEngine.RuleContext, plans: [MatchingEngine.Plan?], households: [HouseholdProfile],
         listings: [Listing], landlords: [Landlord.ID: Landlord.Openness]) {
        self.engine = engine
        self.context = context
        self.plans = plans
        self.households = households
        self.listings = listings
        self.landlords = landlords
    }

    func explanation(household: Int, listing: Int) -> MatchExplanation? {
        pair(household, listing).map { engine.explanation($0.plan, profile: $0.profile, listing: $0.flat, openness: $0.openness, context: context) }
    }

    func facts(household: Int, listing: Int, texts: inout TextTable) -> ExplanationFacts? {
        guard let p = pair(household, listing) else { return nil }
        return engine.facts(p.plan, profile: p.profile, listing: p.flat, openness: p.openness, context: context, texts: &texts)
    }

    /// What explaining a pair of the run needs; nil for indices outside the run.
    private func pair(_ household: Int, _ listing: Int) -> (plan: MatchingEngine.Plan, profile: HouseholdProfile, flat: Listing, openness: Landlord.Openness?)? {
        guard households.indices.contains(household), listings.indices.contains(listing) else { return nil }
        let profile = households[household]
        let flat = listings[listing]
        return (plans[household] ?? engine.plan(profile, context: context), profile, flat, flat.landlordID.flatMap { landlords[$0] })
    }
}
