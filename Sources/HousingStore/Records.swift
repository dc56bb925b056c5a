import Foundation
import GRDB
import HousingDomain

// Each domain value is mapped to its table here, by hand, so the domain stays free of GRDB and the
// column names are visible in one place. Dates are ISO text, money integer cents, lists JSON text.

extension CalendarDate: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { iso.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> CalendarDate? {
        String.fromDatabaseValue(dbValue).flatMap(CalendarDate.init(iso:))
    }
}

extension MunicipalityKey: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> MunicipalityKey? {
        String.fromDatabaseValue(dbValue).flatMap(MunicipalityKey.init)
    }
}

extension PostalCode: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> PostalCode? {
        String.fromDatabaseValue(dbValue).flatMap(PostalCode.init)
    }
}

extension EntityID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> EntityID? {
        guard let raw = Int64.fromDatabaseValue(dbValue) else { return nil }
        return EntityID(raw)
    }
}

/// JSON text for list columns.
enum JSONColumn {
    static func encode<T: Encodable>(_ value: T) -> String {
        guard let data = try? JSONEncoder().encode(value) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String?, default fallback: T) -> T {
        guard let text, let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else { return fallback }
        return value
    }
}

private func money(_ cents: Int64?) -> Money? { cents.map(Money.init(cents:)) }

private func rowCoordinate(_ row: Row) -> Coordinate? {
    guard let lat: Double = row["latitude"], let lon: Double = row["longitude"] else { return nil }
    return Coordinate(latitude: lat, longitude: lon)
}

extension User: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "user"
    public init(row: Row) throws {
        self.init(
            id: row["id"], name: row["name"], displayName: row["displayName"],
            role: User.Role(rawValue: row["role"]) ?? .coach, active: row["active"])
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["name"] = name
        container["displayName"] = displayName
        container["role"] = role.rawValue
        container["active"] = active
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

extension Household: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "household"
    public init(row: Row) throws {
        self.init(
            id: row["id"], referenceCode: row["referenceCode"], jobcentreNumber: row["jobcentreNumber"],
            languages: JSONColumn.decode([String].self, from: row["languages"], default: []),
            interpreterNeeded: row["interpreterNeeded"], currentAccommodation: row["currentAccommodation"],
            currentMunicipality: row["currentMunicipality"],
            residenceObligation: ResidenceObligation(code: row["residenceObligation"] ?? "none") ?? .none,
            benefitType: BenefitType(rawValue: row["benefitType"]) ?? .none,
            needs: Needs(
                stepFree: row["needsStepFree"], groundFloorOrLift: row["needsGroundFloorOrLift"],
                maxFloor: row["maxFloor"], pets: row["hasPets"], wbsHeld: row["wbsHeld"], wbsRooms: row["wbsRooms"]),
            preferredMunicipalities: JSONColumn.decode([MunicipalityKey].self, from: row["preferredMunicipalities"], default: []),
            excludedMunicipalities: JSONColumn.decode([MunicipalityKey].self, from: row["excludedMunicipalities"], default: []),
            earliestMoveDate: row["earliestMoveDate"], deadline: row["deadline"], coachID: row["coachId"],
            stage: Stage(rawValue: row["stage"]) ?? .intake,
            openedOn: row["openedOn"] ?? CalendarDate(dayNumber: 0))
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["referenceCode"] = referenceCode
        container["referenceKey"] = Household.referenceKey(referenceCode)
        container["jobcentreNumber"] = jobcentreNumber
        container["languages"] = JSONColumn.encode(languages)
        container["interpreterNeeded"] = interpreterNeeded
        container["currentAccommodation"] = currentAccommodation
        container["currentMunicipality"] = currentMunicipality
        container["residenceObligation"] = residenceObligation.code
        container["benefitType"] = benefitType.rawValue
        container["needsStepFree"] = needs.stepFree
        container["needsGroundFloorOrLift"] = needs.groundFloorOrLift
        container["maxFloor"] = needs.maxFloor
        container["hasPets"] = needs.pets
        container["wbsHeld"] = needs.wbsHeld
        container["wbsRooms"] = needs.wbsRooms
        container["preferredMunicipalities"] = JSONColumn.encode(preferredMunicipalities)
        container["excludedMunicipalities"] = JSONColumn.encode(excludedMunicipalities)
        container["earliestMoveDate"] = earliestMoveDate
        container["deadline"] = deadline
        container["coachId"] = coachID
        container["stage"] = stage.rawValue
        container["openedOn"] = openedOn
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

extension Household {
    /// The reference code as stored for lookups: trimmed and case-folded (Unicode-aware).
    static func referenceKey(_ code: String) -> String {
        code.trimmingCharacters(in: .whitespaces).folding(options: [.caseInsensitive, .widthInsensitive], locale: nil)
    }
}

extension StageChange: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "stageChange"
    public init(row: Row) throws {
        self.init(
            id: row["id"], householdID: row["householdId"], from: (row["fromStage"] as String?).flatMap(Stage.init(rawValue:)),
            to: Stage(rawValue: row["toStage"]) ?? .intake, date: row["date"], actor: row["actor"], note: row["note"])
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["householdId"] = householdID
        container["fromStage"] = from?.rawValue
        container["toStage"] = to.rawValue
        container["date"] = date
        container["actor"] = actor
        container["note"] = note
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

extension Member: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "member"
    public init(row: Row) throws {
        self.init(
            id: row["id"], householdID: row["householdId"], givenName: row["givenName"], familyName: row["familyName"],
            birthDate: row["birthDate"], role: Member.Role(rawValue: row["role"]) ?? .otherRelative)
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["householdId"] = householdID
        container["givenName"] = givenName
        container["familyName"] = familyName
        container["birthDate"] = birthDate
        container["role"] = role.rawValue
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

extension Anchor: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "anchor"
    public init(row: Row) throws {
        self.init(
            id: row["id"], householdID: row["householdId"], memberID: row["memberId"],
            kind: Anchor.Kind(rawValue: row["kind"]) ?? .other, label: row["label"],
            address: Address(street: row["street"], houseNumber: row["houseNumber"], postalCode: row["postalCode"], place: row["place"]),
            coordinate: rowCoordinate(row), daysPerWeek: row["daysPerWeek"], startDate: row["startDate"], endDate: row["endDate"])
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["householdId"] = householdID
        container["memberId"] = memberID
        container["kind"] = kind.rawValue
        container["label"] = label
        container["street"] = address.street
        container["houseNumber"] = address.houseNumber
        container["postalCode"] = address.postalCode
        container["place"] = address.place
        container["latitude"] = coordinate?.latitude
        container["longitude"] = coordinate?.longitude
        container["daysPerWeek"] = daysPerWeek
        container["startDate"] = startDate
        container["endDate"] = endDate
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

extension Landlord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "landlord"
    public init(row: Row) throws {
        let address = Address(street: row["street"], houseNumber: row["houseNumber"], postalCode: row["postalCode"], place: row["place"])
        self.init(
            id: row["id"], name: row["name"], kind: Landlord.Kind(rawValue: row["kind"]) ?? .private,
            contactPerson: row["contactPerson"], phone: row["phone"], email: row["email"],
            address: address == Address() ? nil : address, openness: Landlord.Openness(rawValue: row["openness"]) ?? .unknown,
            opennessRecordedOn: row["opennessRecordedOn"], opennessRecordedBy: row["opennessRecordedBy"])
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["name"] = name
        container["kind"] = kind.rawValue
        container["contactPerson"] = contactPerson
        container["phone"] = phone
        container["email"] = email
        container["street"] = address?.street
        container["houseNumber"] = address?.houseNumber
        container["postalCode"] = address?.postalCode
        container["place"] = address?.place
        container["openness"] = openness.rawValue
        container["opennessRecordedOn"] = opennessRecordedOn
        container["opennessRecordedBy"] = opennessRecordedBy
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

extension LandlordContact: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "landlordContact"
    public init(row: Row) throws {
        self.init(
            id: row["id"], landlordID: row["landlordId"], date: row["date"], coachID: row["coachId"],
            channel: LandlordContact.Channel(rawValue: row["channel"]) ?? .other, outcome: row["outcome"], followUp: row["followUp"])
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["landlordId"] = landlordID
        container["date"] = date
        container["coachId"] = coachID
        container["channel"] = channel.rawValue
        container["outcome"] = outcome
        container["followUp"] = followUp
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

extension Listing: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "listing"
    public init(row: Row) throws {
        self.init(
            id: row["id"], source: row["source"], externalID: row["externalId"], url: row["url"], title: row["title"],
            address: Address(street: row["street"], houseNumber: row["houseNumber"], postalCode: row["postalCode"], place: row["place"]),
            municipality: row["municipality"], coordinate: rowCoordinate(row), rooms: row["rooms"], livingArea: row["livingArea"],
            floor: row["floor"], lift: row["lift"], stepFree: row["stepFree"],
            netColdRent: Money(cents: row["netColdRentCents"]), operatingCosts: Money(cents: row["operatingCostsCents"]),
            heatingCosts: money(row["heatingCostsCents"]), heatingIncluded: row["heatingIncluded"],
            heatingType: (row["heatingType"] as String?).flatMap(HeatingType.init(rawValue:)),
            deposit: money(row["depositCents"]), availableFrom: row["availableFrom"], availableFromText: row["availableFromText"],
            wbsRequired: row["wbsRequired"], petsAllowed: row["petsAllowed"], landlordID: row["landlordId"],
            firstSeen: row["firstSeen"], lastSeen: row["lastSeen"], status: Listing.Status(rawValue: row["status"]) ?? .gone,
            duplicateOf: row["duplicateOfId"])
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        for (column, value) in zip(Self.databaseColumns, databaseValues) { container[column] = value }
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

extension Listing {
    /// The listing's columns except `id`, in the order of `databaseValues`. The record encoding
    /// above and the importer's prepared statements (`ImportSession`) both write these, so the two
    /// cannot drift apart.
    static let databaseColumns = [
        "source", "externalId", "url", "title", "street", "houseNumber", "postalCode", "place", "municipality",
        "latitude", "longitude", "rooms", "livingArea", "floor", "lift", "stepFree", "netColdRentCents",
        "operatingCostsCents", "heatingCostsCents", "heatingIncluded", "heatingType", "depositCents", "availableFrom",
        "availableFromText", "wbsRequired", "petsAllowed", "landlordId", "firstSeen", "lastSeen", "status", "duplicateOfId",
    ]

    /// The values of `databaseColumns`, in that order.
    var databaseValues: [DatabaseValue] {
        [
            source.databaseValue, externalID.databaseValue, url.databaseValue, title.databaseValue,
            address.street.databaseValue, address.houseNumber.databaseValue, address.postalCode.databaseValue,
            address.place.databaseValue, municipality.databaseValue, coordinate?.latitude.databaseValue ?? .null,
            coordinate?.longitude.databaseValue ?? .null, rooms.databaseValue, livingArea.databaseValue, floor.databaseValue,
            lift.databaseValue, stepFree.databaseValue, netColdRent.cents.databaseValue, operatingCosts.cents.databaseValue,
            heatingCosts?.cents.databaseValue ?? .null, heatingIncluded.databaseValue, heatingType?.rawValue.databaseValue ?? .null,
            deposit?.cents.databaseValue ?? .null, availableFrom.databaseValue, availableFromText.databaseValue,
            wbsRequired.databaseValue, petsAllowed.databaseValue, landlordID.databaseValue, firstSeen.databaseValue,
            lastSeen.databaseValue, status.rawValue.databaseValue, duplicateOf.databaseValue,
        ]
    }
}

extension Course: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "course"
    public init(row: Row) throws {
        self.init(id: row["id"], title: row["title"], requiredModules: JSONColumn.decode([CourseModule].self, from: row["requiredModules"], default: []))
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["title"] = title
        container["requiredModules"] = JSONColumn.encode(requiredModules)
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

extension CourseSession: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "courseSession"
    public init(row: Row) throws {
        self.init(
            id: row["id"], courseID: row["courseId"], date: row["date"], startTime: row["startTime"], place: row["place"],
            trainer: row["trainer"], language: row["language"], capacity: row["capacity"],
            modules: JSONColumn.decode([CourseModule].self, from: row["modules"], default: []))
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["courseId"] = courseID
        container["date"] = date
        container["startTime"] = startTime
        container["place"] = place
        container["trainer"] = trainer
        container["language"] = language
        container["capacity"] = capacity
        container["modules"] = JSONColumn.encode(modules)
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}

extension Attendance: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "attendance"
    public init(row: Row) throws {
        self.init(sessionID: row["courseSessionId"], memberID: row["memberId"], status: Attendance.Status(rawValue: row["status"]) ?? .absent)
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["courseSessionId"] = sessionID
        container["memberId"] = memberID
        container["status"] = status.rawValue
    }
}

extension Visit: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "visit"
    public init(row: Row) throws {
        self.init(
            id: row["id"], householdID: row["householdId"], coachID: row["coachId"], date: row["date"],
            kind: Visit.Kind(rawValue: row["kind"]) ?? .other, durationMinutes: row["durationMinutes"],
            topics: JSONColumn.decode([String].self, from: row["topics"], default: []), note: row["note"], followUp: row["followUp"])
    }
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["householdId"] = householdID
        container["coachId"] = coachID
        container["date"] = date
        container["kind"] = kind.rawValue
        container["durationMinutes"] = durationMinutes
        container["topics"] = JSONColumn.encode(topics)
        container["note"] = note
        container["followUp"] = followUp
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(inserted.rowID) }
}
