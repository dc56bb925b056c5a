/// A household (Bedarfsgemeinschaft) that a coach helps into a flat of its own.
public struct Household: Hashable, Codable, Sendable {
    public typealias ID = EntityID<Household>

    public var id: ID?
    /// Aktenzeichen: the case reference, unique in the database.
    public var referenceCode: String
    /// BG-Nummer: the job centre's number for the Bedarfsgemeinschaft, when known.
    public var jobcentreNumber: String?
    /// Languages spoken, e.g. `["ar", "de"]` or `["Dari"]`.
    public var languages: [String]
    public var interpreterNeeded: Bool
    /// Where the household lives now, e.g. "GU Plön, Rautenbergstraße".
    public var currentAccommodation: String?
    public var currentMunicipality: MunicipalityKey?
    public var residenceObligation: ResidenceObligation
    public var benefitType: BenefitType
    public var needs: Needs
    public var preferredMunicipalities: [MunicipalityKey]
    public var excludedMunicipalities: [MunicipalityKey]
    /// The household cannot move before this day (e.g. end of a course, notice period).
    public var earliestMoveDate: CalendarDate?
    /// The day by which it must have moved (e.g. the shared accommodation closes).
    public var deadline: CalendarDate?
    /// The coach in charge.
    public var coachID: User.ID?
    public var stage: Stage
    /// The day the case was opened; waiting time counts from here.
    public var openedOn: CalendarDate

    public init(
        id: ID? = nil, referenceCode: String, jobcentreNumber: String? = nil, languages: [String] = [],
        interpreterNeeded: Bool = false, currentAccommodation: String? = nil,
        currentMunicipality: MunicipalityKey? = nil, residenceObligation: ResidenceObligation = .none,
        benefitType: BenefitType = .sgb2, needs: Needs = Needs(), preferredMunicipalities: [MunicipalityKey] = [],
        excludedMunicipalities: [MunicipalityKey] = [], earliestMoveDate: CalendarDate? = nil,
        deadline: CalendarDate? = nil, coachID: User.ID? = nil, stage: Stage = .intake, openedOn: CalendarDate
    ) {
        self.id = id
        self.referenceCode = referenceCode
        self.jobcentreNumber = jobcentreNumber
        self.languages = languages
        self.interpreterNeeded = interpreterNeeded
        self.currentAccommodation = currentAccommodation
        self.currentMunicipality = currentMunicipality
        self.residenceObligation = residenceObligation
        self.benefitType = benefitType
        self.needs = needs
        self.preferredMunicipalities = preferredMunicipalities
        self.excludedMunicipalities = excludedMunicipalities
        self.earliestMoveDate = earliestMoveDate
        self.deadline = deadline
        self.coachID = coachID
        self.stage = stage
        self.openedOn = openedOn
    }

    /// Checks the household's own fields; members are checked on their own.
    public func validate() throws {
        let code = referenceCode.trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty else { throw DomainError.invalidField(field: "reference code", value: referenceCode, hint: "give the Aktenzeichen, e.g. PLÖ-2026-014") }
        guard code.count <= 64 else { throw DomainError.invalidField(field: "reference code", value: referenceCode, hint: "use at most 64 characters") }
        // Digits alone would read as a case's id in `household show 3` and in web addresses.
        guard !code.allSatisfy(\.isNumber) else {
            throw DomainError.invalidField(field: "reference code", value: referenceCode, hint: "digits alone read as a case id; add the office prefix, e.g. PLÖ-2026-\(code)")
        }
        if let earliest = earliestMoveDate, let deadline, deadline < earliest {
            throw DomainError.invalidField(field: "deadline", value: deadline.iso, hint: "the deadline must not be before the earliest move date \(earliest.iso)")
        }
        try needs.validate()
        if let conflict = Set(preferredMunicipalities).intersection(excludedMunicipalities).sorted().first {
            throw DomainError.invalidField(field: "municipalities", value: conflict.rawValue, hint: "a municipality cannot be both preferred and excluded")
        }
    }
}

/// Wohnsitzauflage (§ 12a AufenthG): where a household may take up residence.
public enum ResidenceObligation: Hashable, Codable, Sendable {
    /// No restriction.
    case none
    /// Must live in this federal state (2-digit code, `01` = Schleswig-Holstein).
    case state(String)
    /// Must live in this district (5-digit code, `01057` = Kreis Plön).
    case district(String)
    /// Must live in this municipality.
    case municipality(MunicipalityKey)

    /// Whether a flat in `municipality` satisfies the obligation.
    public func permits(_ municipality: MunicipalityKey) -> Bool {
        switch self {
        case .none: return true
        case .state(let code): return municipality.stateCode == code
        case .district(let code): return municipality.districtCode == code
        case .municipality(let key): return municipality == key
        }
    }

    /// `none`, `state:01`, `district:01057`, `municipality:01057057`.
    public var code: String {
        switch self {
        case .none: return "none"
        case .state(let c): return "state:\(c)"
        case .district(let c): return "district:\(c)"
        case .municipality(let k): return "municipality:\(k.rawValue)"
        }
    }

    /// Parses the form of `code`; nil with anything else.
    public init?(code text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("none", 1): self = .none
        case ("state", 2) where parts[1].count == 2 && parts[1].allSatisfy(\.isNumber): self = .state(parts[1])
        case ("district", 2) where parts[1].count == 5 && parts[1].allSatisfy(\.isNumber): self = .district(parts[1])
        case ("municipality", 2):
            guard let key = MunicipalityKey(parts[1]) else { return nil }
            self = .municipality(key)
        default: return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = ResidenceObligation(code: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not none, state:NN, district:NNNNN or municipality:AGS")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}

/// What the household lives on; decides which office approves the rent.
public enum BenefitType: String, Hashable, Codable, Sendable, CaseIterable {
    /// Bürgergeld (SGB II), the job centre.
    case sgb2
    /// Sozialhilfe (SGB XII).
    case sgb12
    /// Asylbewerberleistungsgesetz.
    case asylblg
    /// No benefits.
    case none
}

/// What a flat must offer for this household, beyond size and cost.
public struct Needs: Hashable, Codable, Sendable {
    /// No steps to the door and inside (wheelchair, walker).
    public var stepFree: Bool
    /// Ground floor, or any floor with a lift.
    public var groundFloorOrLift: Bool
    /// Highest acceptable floor without a lift (0 = ground floor).
    public var maxFloor: Int?
    /// The household keeps pets.
    public var pets: Bool
    /// Holds a Wohnberechtigungsschein (WBS).
    public var wbsHeld: Bool
    /// Rooms the WBS allows, when held.
    public var wbsRooms: Int?

    public init(stepFree: Bool = false, groundFloorOrLift: Bool = false, maxFloor: Int? = nil, pets: Bool = false, wbsHeld: Bool = false, wbsRooms: Int? = nil) {
        self.stepFree = stepFree
        self.groundFloorOrLift = groundFloorOrLift
        self.maxFloor = maxFloor
        self.pets = pets
        self.wbsHeld = wbsHeld
        self.wbsRooms = wbsRooms
    }

    public func validate() throws {
        if let maxFloor, !(0...30).contains(maxFloor) {
            throw DomainError.invalidField(field: "max floor", value: String(maxFloor), hint: "give a floor from 0 (ground floor) to 30")
        }
        if let wbsRooms, !(1...12).contains(wbsRooms) {
            throw DomainError.invalidField(field: "WBS rooms", value: String(wbsRooms), hint: "give the rooms on the WBS, 1 to 12")
        }
        if wbsRooms != nil && !wbsHeld {
            throw DomainError.invalidField(field: "WBS rooms", value: String(wbsRooms ?? 0), hint: "set --wbs-held too, or leave the WBS size out")
        }
    }

    /// Whether anything here touches health or disability (shown only to those who may see it).
    public var hasHealthRelatedNeeds: Bool { stepFree || groundFloorOrLift || maxFloor != nil }
}

/// Where a case stands. Moves are validated by `canMove(to:)`.
public enum Stage: String, Hashable, Codable, Sendable, CaseIterable, Comparable {
    case intake, coaching, searching, viewing, contract
    case movedIn = "moved-in"
    case aftercare, closed

    /// The stages a case may move to from here: the next stage, a step back where a search fails
    /// (viewing or contract back to searching, searching back to coaching), closing at any time,
    /// and reopening a closed case at intake.
    public var allowedNext: [Stage] {
        switch self {
        case .intake: return [.coaching, .closed]
        case .coaching: return [.searching, .closed]
        case .searching: return [.viewing, .coaching, .closed]
        case .viewing: return [.contract, .searching, .closed]
        case .contract: return [.movedIn, .searching, .closed]
        case .movedIn: return [.aftercare, .closed]
        case .aftercare: return [.closed]
        case .closed: return [.intake]
        }
    }

    public func canMove(to next: Stage) -> Bool { allowedNext.contains(next) }

    private var order: Int { Stage.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.order < rhs.order }

    /// Whether the household is still looking for a flat (matching considers only these).
    public var isLookingForFlat: Bool { self == .searching || self == .viewing || self == .coaching }
}

/// One recorded move of a case from one stage to another.
public struct StageChange: Hashable, Codable, Sendable {
    public typealias ID = EntityID<StageChange>
    public var id: ID?
    public var householdID: Household.ID
    public var from: Stage?
    public var to: Stage
    public var date: CalendarDate
    public var actor: String
    public var note: String?

    public init(id: ID? = nil, householdID: Household.ID, from: Stage?, to: Stage, date: CalendarDate, actor: String, note: String? = nil) {
        self.id = id
        self.householdID = householdID
        self.from = from
        self.to = to
        self.date = date
        self.actor = actor
        self.note = note
    }
}

/// A person in a household.
public struct Member: Hashable, Codable, Sendable {
    public typealias ID = EntityID<Member>

    public var id: ID?
    public var householdID: Household.ID
    public var givenName: String
    public var familyName: String
    public var birthDate: CalendarDate
    public var role: Role

    public enum Role: String, Hashable, Codable, Sendable, CaseIterable {
        case applicant, partner, child
        case otherRelative = "other-relative"
    }

    public init(id: ID? = nil, householdID: Household.ID, givenName: String, familyName: String, birthDate: CalendarDate, role: Role) {
        self.id = id
        self.householdID = householdID
        self.givenName = givenName
        self.familyName = familyName
        self.birthDate = birthDate
        self.role = role
    }

    public var fullName: String { "\(givenName) \(familyName)" }

    public func validate(today: CalendarDate) throws {
        if givenName.trimmingCharacters(in: .whitespaces).isEmpty {
            throw DomainError.invalidField(field: "given name", value: givenName, hint: "give the member's given name")
        }
        if familyName.trimmingCharacters(in: .whitespaces).isEmpty {
            throw DomainError.invalidField(field: "family name", value: familyName, hint: "give the member's family name")
        }
        if birthDate > today {
            throw DomainError.invalidField(field: "birth date", value: birthDate.iso, hint: "a birth date cannot be in the future (today is \(today.iso))")
        }
        if birthDate.age(on: today) > 120 {
            throw DomainError.invalidField(field: "birth date", value: birthDate.iso, hint: "check the year: that would make the member older than 120")
        }
    }
}

/// A household with its members and anchors: what matching and the cost check look at.
public struct HouseholdProfile: Hashable, Codable, Sendable {
    public var household: Household
    public var members: [Member]
    public var anchors: [Anchor]

    public init(household: Household, members: [Member], anchors: [Anchor]) {
        self.household = household
        self.members = members
        self.anchors = anchors
    }

    /// Persons who will live in the flat.
    public var size: Int { members.count }

    /// Ages of all members on `date`, oldest first.
    public func ages(on date: CalendarDate) -> [Int] { members.map { $0.birthDate.age(on: date) }.sorted(by: >) }
}

import Foundation
