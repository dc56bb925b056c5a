import Foundation
import HousingDomain
import HousingStore
import Matching

/// One suggestion to explain and store: a household's candidate with its rank.
public struct SuggestionRequest: Sendable {
    /// Indices into the run's households and listings.
    var household: Int
    var listing: Int
    public var householdID: Household.ID
    var listingID: Listing.ID
    var grossColdRent: Money
    var rank: Int
    var assigned: Bool

    /// Explains the pair from the run's own plans and packs it for the store (JSON explanation).
    public func build(from outcome: MatchingEngine.Outcome) throws -> NewSuggestion {
        guard let explanation = outcome.explanation(household: household, listing: listing) else {
            throw CommandFailure(description: "suggestion \(rank) of household \(householdID) is not a pair of this run")
        }
        return NewSuggestion(
            householdID: householdID, listingID: listingID, rank: rank, score: min(1, max(0, explanation.score)),
            priority: explanation.priority, assigned: assigned, costVerdict: explanation.cost?.verdict.rawValue,
            grossColdRent: grossColdRent, limit: explanation.cost?.limit, explanationJSON: try explanation.jsonText())
    }
}

extension MatchingEngine.Outcome {
    /// Every kept candidate of every household, in order.
    public func suggestions(input: MatchingInput) -> [SuggestionRequest] {
        var requests: [SuggestionRequest] = []
        for result in results {
            guard let householdID = input.households[result.household].household.id else { continue }
            for (rank, c) in result.top.enumerated() {
                let listing = input.listings[c.listing]
                guard let listingID = listing.id else { continue }
                requests.append(SuggestionRequest(
                    household: result.household, listing: c.listing, householdID: householdID, listingID: listingID,
                    grossColdRent: listing.grossColdRent, rank: rank + 1, assigned: result.assigned == c.listing))
            }
        }
        return requests
    }
}
