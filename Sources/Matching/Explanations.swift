import HousingDomain
import RuleBook

extension MatchingEngine {
    /// The full explanation of one pair, suggested or not: every check (passed or failed, with
    /// its numbers), every component with weight and contribution, the cost judgement and trips.
    public func explain(household profile: HouseholdProfile, listing: Listing, landlordOpenness: Landlord.Openness?, on date: CalendarDate) throws -> MatchExplanation {
        let context = try ruleContext(on: date)
        let openness = listing.landlordID == nil ? nil : landlordOpenness
        return explanation(plan(profile, context: context), profile: profile, listing: listing, openness: openness, context: context)
    }

    /// The explanation of a pair from a prepared plan; `openness` is the listing's landlord's (nil
    /// when the listing names none or the landlord's openness is unknown).
    func explanation(_ p: Plan, profile: HouseholdProfile, listing: Listing, openness: Landlord.Openness?, context: RuleContext) -> MatchExplanation {
        let date = context.date
        let r = row(listing, openness: openness, context: context)
        var checks = checks(p, r, listing: listing)
        if profile.members.isEmpty {
            checks.insert(.init(id: "household", passed: false, detail: "the household has no members recorded"), at: 0)
        }
        let values = componentValues(p, r).array
        let weights = context.weights
        var trips: [MatchExplanation.Trip] = []
        if let to = listing.coordinate {
            for a in p.anchors {
                let estimate = travel.estimate(from: a.coordinate, to: to)
                trips.append(.init(anchor: a.anchor.label, kind: a.anchor.kind, daysPerWeek: a.days, estimate: estimate, score: tripScore(estimate.minutes)))
            }
        }
        let limit = self.limit(p, r)
        let texts = [
            trips.isEmpty ? (p.anchors.isEmpty ? (profile.anchors.isEmpty ? "no anchors: neutral \(rules.commute.noAnchorScore)" : "anchors without a known location: neutral \(rules.commute.noAnchorScore)") : "the flat has no location")
                : MatchExplanation.tripsSummary(trips),
            limit.map { l in r.gross <= l ? "headroom \(Money(cents: l - r.gross)) of \(Money(cents: l)) (full score from \(Int(rules.fullScoreHeadroomPercent)) % under)" : "over the limit" } ?? "no limit",
            "\(NumberText.fixed(r.area, 1)) m² against \(NumberText.fixed(p.appropriateArea, 0)) m² appropriate for \(p.size) person(s)",
            listing.landlordID == nil ? "no landlord recorded" : "landlord \(openness?.rawValue ?? "unknown")",
            p.preferred.isEmpty ? "no preferences" : (values[4] == 1 ? "in a preferred municipality" : "not in a preferred municipality"),
            "listed \(r.ageDays) days ago (0 after \(rules.market.staleDays) days)",
        ]
        var components: [MatchExplanation.Component] = []
        components.reserveCapacity(Self.componentIDs.count)
        for (i, id) in Self.componentIDs.enumerated() {
            components.append(.init(id: id, value: values[i], weight: weights[i], contribution: values[i] * weights[i], detail: texts[i]))
        }
        let score = components.reduce(0) { $0 + $1.contribution }
        var judgement: CostJudgement?
        if let costCase = try? CostCase(listing: listing, members: profile.members, on: date) {
            judgement = try? book.judge(costCase, on: date)
        }
        return MatchExplanation(
            date: date, checks: checks, components: components, score: score, urgency: p.urgency,
            priority: priority(score: score, urgency: p.urgency), urgencyDetail: p.urgencyDetail, cost: judgement,
            overLimitWithinTolerance: limit.map { r.gross > $0 } ?? false,
            trips: trips, rulesVersion: context.rulesVersion, weightsVersion: context.weightsVersion)
    }

    /// Every hard check with its numbers, for an explanation.
    func checks(_ p: Plan, _ r: Row, listing l: Listing) -> [MatchExplanation.Check] {
        var out: [MatchExplanation.Check] = []
        out.reserveCapacity(8)
        func check(_ id: String, _ passed: Bool, _ detail: String) { out.append(.init(id: id, passed: passed, detail: detail)) }
        let tolerance = rules.costTolerancePercent
        check("listing", listingOK(r),
            !r.offerable ? "the listing is \(l.status.rawValue)\(l.duplicateOf.map { ", a duplicate of listing \($0)" } ?? "")"
                : r.landlordDeclined ? "the landlord has declined to rent to refugee households" : "active, and the landlord has not declined")
        let costText: String
        if let limit = limit(p, r) {
            let diff = Money(cents: limit - r.gross)
            costText = r.gross <= limit
                ? "Bruttokaltmiete \(Money(cents: r.gross)) within the limit \(Money(cents: limit)) (headroom \(diff))"
                : "Bruttokaltmiete \(Money(cents: r.gross)) is \(-diff) over the limit \(Money(cents: limit))" + (costOK(p, r) ? ", within the \(tolerance) % tolerance: the job centre must consent" : "")
        } else {
            costText = r.region < 0 ? "no Kreis Plön KdU limit applies to this municipality" : "no limit row for \(p.size) persons"
        }
        check("cost", costOK(p, r), costText)
        let rooms = r.rooms == r.rooms.rounded() ? String(Int(r.rooms)) : String(r.rooms)
        check("space", spaceOK(p, r),
            "\(NumberText.fixed(r.area, 1)) m² and \(rooms) room(s) for \(p.size) person(s) (at least \(NumberText.fixed(p.minArea, 0)) m² and "
                + "\(NumberText.fixed(p.minRooms, 0)) room(s): \(NumberText.fixed(rules.space.minAreaPerPerson, 0)) m² per person, "
                + "at most \(NumberText.fixed(rules.space.maxPersonsPerRoom, 0)) persons per room)")
        check("wbs", wbsOK(p, r), !r.wbsRequired ? "no WBS required" : p.needs.wbsHeld ? (wbsOK(p, r) ? "WBS required and held" : "WBS required; the household's WBS allows \(p.needs.wbsRooms ?? 0) rooms") : "WBS required, but the household holds none")
        check("access", accessOK(p.needs, r), accessText(p.needs, r))
        check("pets", petsOK(p, r), !p.needs.pets ? "no pets" : r.petsAllowed == true ? "pets allowed" : petsOK(p, r) ? "pets: the listing does not say; ask the landlord" : "pets not allowed, the household keeps pets")
        check("dates", datesOK(p, r), r.availableFrom.map { "available from \($0.iso)" + (p.deadline.map { d in datesOK(p, r) ? ", before the deadline \(d.iso)" : ", after the deadline \(d.iso)" } ?? "") } ?? "available now (\(l.availableFromText ?? "no date given"))")
        let placeText: String
        if let m = l.municipality {
            if !p.residence.permits(m) {
                placeText = "the Wohnsitzauflage (\(p.residence.code)) does not allow \(m)"
            } else if p.excluded.contains(m) {
                placeText = "\(m) is excluded by the household"
            } else {
                placeText = "\(m) allowed" + (p.residence == .none ? "" : " by the Wohnsitzauflage (\(p.residence.code))")
            }
        } else {
            placeText = "the listing's municipality is unknown"
        }
        check("place", placeOK(p, r), placeText)
        return out
    }

    func accessText(_ needs: Needs, _ r: Row) -> String {
        var reasons: [String] = []
        if needs.stepFree && r.stepFree != true { reasons.append(r.stepFree == nil ? "step-free access needed, the listing does not say" : "step-free access needed") }
        if needs.groundFloorOrLift && !(r.floor == 0 || r.lift == true) {
            reasons.append(r.floor == nil ? "ground floor or lift needed, floor unknown" : "ground floor or lift needed, floor \(r.floor ?? 0) without lift")
        }
        if let maxFloor = needs.maxFloor, r.lift != true, (r.floor ?? Int.max) > maxFloor {
            reasons.append("at most floor \(maxFloor) without a lift, the flat is on \(r.floor.map { "floor \($0)" } ?? "an unknown floor")")
        }
        if reasons.isEmpty {
            let needed = needs.stepFree || needs.groundFloorOrLift || needs.maxFloor != nil
            return needed ? "access needs met (floor \(r.floor.map(String.init) ?? "?"), lift \(r.lift == true ? "yes" : "no"), step-free \(r.stepFree == true ? "yes" : "no"))" : "no access needs"
        }
        return reasons.joined(separator: "; ")
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
        guard households.indices.contains(household), listings.indices.contains(listing) else { return nil }
        let profile = households[household]
        let plan = plans[household] ?? engine.plan(profile, context: context)
        let flat = listings[listing]
        return engine.explanation(plan, profile: profile, listing: flat, openness: flat.landlordID.flatMap { landlords[$0] }, context: context)
    }
}
