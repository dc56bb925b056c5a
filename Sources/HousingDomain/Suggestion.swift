/// Where a suggested flat stands in the review workflow.
///
/// suggested → presented (to the household) → submitted (for the job centre's review) →
/// approved (Zusicherung) or rejected → applied → viewing → contract signed → moved in; the
/// household or the landlord can decline at any open step. A new matching run withdraws
/// suggestions nobody has acted on yet and keeps the others.
public enum SuggestionState: String, Hashable, Codable, Sendable, CaseIterable {
    case suggested, presented, submitted, approved, rejected, applied, viewing
    case contractSigned = "contract-signed"
    case movedIn = "moved-in"
    case declinedByHousehold = "declined-by-household"
    case declinedByLandlord = "declined-by-landlord"
    /// Replaced by a newer run before anyone acted on it.
    case withdrawn

    /// The states in which the job centre has the suggestion before it: submitted for review, decided,
    /// and every step after its Zusicherung (its approval sheet stays readable). One set for the
    /// access rule and for the job centre's own lists.
    public static let seenByJobcentre: Set<SuggestionState> = [.submitted, .approved, .rejected, .applied, .viewing, .contractSigned, .movedIn]

    public var allowedNext: [SuggestionState] {
        switch self {
        case .suggested: return [.presented, .declinedByHousehold, .withdrawn]
        case .presented: return [.submitted, .declinedByHousehold, .declinedByLandlord]
        case .submitted: return [.approved, .rejected, .declinedByHousehold, .declinedByLandlord]
        case .approved: return [.applied, .declinedByHousehold, .declinedByLandlord]
        case .applied: return [.viewing, .declinedByHousehold, .declinedByLandlord]
        case .viewing: return [.contractSigned, .declinedByHousehold, .declinedByLandlord]
        case .contractSigned: return [.movedIn]
        case .movedIn, .rejected, .declinedByHousehold, .declinedByLandlord, .withdrawn: return []
        }
    }

    public func canMove(to next: SuggestionState) -> Bool { allowedNext.contains(next) }

    /// The steps someone can take from here: `allowedNext` without withdrawing, which is a new run's
    /// doing.
    public var nextSteps: [SuggestionState] { allowedNext.filter { $0 != .withdrawn } }

    /// The role that may make this move: only the job centre approves or rejects.
    public var requiredRole: User.Role? {
        switch self {
        case .approved, .rejected: return .jobcentre
        default: return nil
        }
    }

    /// Someone has acted on it: a new run keeps it as it is.
    public var isInReview: Bool {
        switch self {
        case .suggested, .withdrawn: return false
        default: return true
        }
    }

    /// Nothing more can happen.
    public var isClosed: Bool { allowedNext.isEmpty }
}

/// Why the job centre refused a Zusicherung.
public enum RejectionReason: String, Hashable, Codable, Sendable, CaseIterable {
    /// Bruttokaltmiete above the limit.
    case overLimit = "over-limit"
    /// Heating costs above the threshold.
    case heatingTooHigh = "heating-too-high"
    /// Another job centre is responsible for the flat's municipality.
    case notResponsible = "not-responsible"
    /// The move is not necessary or not agreed.
    case moveNotNecessary = "move-not-necessary"
    /// Documents are missing (lease draft, landlord certificate).
    case documentsMissing = "documents-missing"
    case other
}

/// One move of a suggestion through the workflow.
public struct SuggestionEvent: Hashable, Codable, Sendable {
    public var from: SuggestionState?
    public var to: SuggestionState
    public var date: CalendarDate
    public var actor: String
    public var reason: RejectionReason?
    public var note: String?

    public init(from: SuggestionState?, to: SuggestionState, date: CalendarDate, actor: String, reason: RejectionReason? = nil, note: String? = nil) {
        self.from = from
        self.to = to
        self.date = date
        self.actor = actor
        self.reason = reason
        self.note = note
    }
}
