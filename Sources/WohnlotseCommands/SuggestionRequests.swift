import Foundation
import HousingDomain
import HousingStore
import Matching

/// One suggestion to explain and store: a household's candidate with its rank.
public struct SuggestionRequest: Sendable {
    var profile: HouseholdProfile
    var listing: Listing
    var openness: Landlord.Openness?
    var rank: Int
    var assigned: Bool

    /// Explains the pair and packs it for the store (JSON explanation).
    public func build(engine: MatchingEngine, on date: CalendarDate) throws -> NewSuggestion {
        let explanation = try engine.explain(household: profile, listing: listing, landlordOpenness: openness, on: date)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return NewSuggestion(
            householdID: profile.household.id ?? 0, listingID: listing.id ?? 0, rank: rank, score: min(1, max(0, explanation.score)),
            priority: explanation.priority, assigned: assigned, costVerdict: explanation.cost?.verdict.rawValue,
            grossColdRent: listing.grossColdRent, limit: explanation.cost?.limit,
            explanationJSON: String(decoding: try encoder.encode(explanation), as: UTF8.self))
    }
}

extension MatchingEngine.Outcome {
    /// Every kept candidate of every household, in order.
    public func suggestions(input: MatchingInput) -> [SuggestionRequest] {
        var requests: [SuggestionRequest] = []
        for result in results {
            let profile = input.households[result.household]
            guard profile.household.id != nil else { continue }
            for (rank, c) in result.top.enumerated() {
                let listing = input.listings[c.listing]
                guard listing.id != nil else { continue }
                requests.append(SuggestionRequest(
                    profile: profile, listing: listing, openness: listing.landlordID.flatMap { input.landlordOpenness[$0] },
                    rank: rank + 1, assigned: result.assigned == c.listing))
            }
        }
        return requests
    }
}
