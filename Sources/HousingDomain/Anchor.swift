/// A place a member must reach regularly (regelmäßiger Ort): work, training, a course, school.
public struct Anchor: Hashable, Codable, Sendable {
    public typealias ID = EntityID<Anchor>

    public var id: ID?
    public var householdID: Household.ID
    /// The member who goes there; nil when the whole household does (e.g. a Kita run).
    public var memberID: Member.ID?
    public var kind: Kind
    /// What the place is, e.g. "Berufsschule Plön" or "Bäckerei Meyer".
    public var label: String
    public var address: Address
    /// Where it is; resolved from the address through the gazetteer when not given.
    public var coordinate: Coordinate?
    /// How often the member goes there, 1 to 7 days per week.
    public var daysPerWeek: Int
    public var startDate: CalendarDate?
    public var endDate: CalendarDate?

    public enum Kind: String, Hashable, Codable, Sendable, CaseIterable {
        case job
        /// Ausbildung.
        case training
        /// Integrations- or Berufssprachkurs.
        case languageCourse = "language-course"
        case school, kita, therapy, other
    }

    public init(
        id: ID? = nil, householdID: Household.ID, memberID: Member.ID? = nil, kind: Kind, label: String,
        address: Address, coordinate: Coordinate? = nil, daysPerWeek: Int, startDate: CalendarDate? = nil,
        endDate: CalendarDate? = nil
    ) {
        self.id = id
        self.householdID = householdID
        self.memberID = memberID
        self.kind = kind
        self.label = label
        self.address = address
        self.coordinate = coordinate
        self.daysPerWeek = daysPerWeek
        self.startDate = startDate
        self.endDate = endDate
    }

    public func validate() throws {
        guard (1...7).contains(daysPerWeek) else {
            throw DomainError.invalidField(field: "days per week", value: String(daysPerWeek), hint: "give 1 to 7")
        }
        guard coordinate != nil || (address.postalCode != nil && !(address.place ?? "").isEmpty) else {
            throw DomainError.invalidField(field: "address", value: address.oneLine, hint: "give postal code and place (--postal-code, --place) or coordinates (--lat, --lon)")
        }
        if let startDate, let endDate, endDate < startDate {
            throw DomainError.invalidField(field: "end date", value: endDate.iso, hint: "the end date must not be before the start date \(startDate.iso)")
        }
    }

    /// Whether the anchor still matters on `date`: not yet ended. One that starts later counts,
    /// because a household moves for the training it is about to begin.
    public func isRelevant(on date: CalendarDate) -> Bool {
        guard let endDate else { return true }
        return endDate >= date
    }
}
