import ArgumentParser
import Foundation
import HousingDomain
import HousingStore

/// The household fields shared by `household add` and `household edit`.
struct HouseholdFields: ParsableArguments {
    @Option(name: .customLong("bg-number"), help: "The job centre's BG-Nummer.") var jobcentreNumber: String?
    @Option(help: "Languages spoken, comma-separated, e.g. ar,de.") var languages: String?
    @Flag(inversion: .prefixedNo, help: "Whether an interpreter is needed.") var interpreter: Bool?
    @Option(help: "Where the household lives now, e.g. 'GU Plön'.") var accommodation: String?
    @Option(name: .customLong("accommodation-municipality"), help: "AGS of the current accommodation.", transform: Parse.municipality)
    var accommodationMunicipality: MunicipalityKey?
    @Option(name: .customLong("residence-obligation"), help: "Wohnsitzauflage: none, state:01, district:01057 or municipality:AGS.", transform: Parse.residence)
    var residenceObligation: ResidenceObligation?
    @Option(help: "sgb2, sgb12, asylblg or none.") var benefit: BenefitType?
    @Flag(inversion: .prefixedNo, help: "Needs step-free access.") var stepFree: Bool?
    @Flag(inversion: .prefixedNo, help: "Needs the ground floor or a lift.") var groundFloorOrLift: Bool?
    @Option(help: "Highest floor without a lift (0 = ground floor).") var maxFloor: Int?
    @Flag(inversion: .prefixedNo, help: "Keeps pets.") var pets: Bool?
    @Flag(inversion: .prefixedNo, help: "Holds a Wohnberechtigungsschein (WBS).") var wbsHeld: Bool?
    @Option(help: "Rooms on the WBS.") var wbsRooms: Int?
    @Option(help: "Preferred municipalities (AGS, comma-separated).", transform: Parse.municipalities) var prefer: [MunicipalityKey]?
    @Option(help: "Excluded municipalities (AGS, comma-separated).", transform: Parse.municipalities) var exclude: [MunicipalityKey]?
    @Option(help: "Earliest move date (YYYY-MM-DD).", transform: Parse.date) var earliest: CalendarDate?
    @Option(help: "Must have moved by (YYYY-MM-DD).", transform: Parse.date) var deadline: CalendarDate?
    @Option(help: "Login name of the coach in charge (assigning another coach needs an admin).") var coach: String?

    /// Applies what was given to `h`.
    func apply(to h: inout Household) {
        if let jobcentreNumber { h.jobcentreNumber = jobcentreNumber }
        if let languages { h.languages = Parse.list(languages) }
        if let interpreter { h.interpreterNeeded = interpreter }
        if let accommodation { h.currentAccommodation = accommodation }
        if let accommodationMunicipality { h.currentMunicipality = accommodationMunicipality }
        if let residenceObligation { h.residenceObligation = residenceObligation }
        if let benefit { h.benefitType = benefit }
        if let stepFree { h.needs.stepFree = stepFree }
        if let groundFloorOrLift { h.needs.groundFloorOrLift = groundFloorOrLift }
        if let maxFloor { h.needs.maxFloor = maxFloor }
        if let pets { h.needs.pets = pets }
        if let wbsHeld { h.needs.wbsHeld = wbsHeld }
        if let wbsRooms { h.needs.wbsRooms = wbsRooms }
        if let prefer { h.preferredMunicipalities = prefer }
        if let exclude { h.excludedMunicipalities = exclude }
        if let earliest { h.earliestMoveDate = earliest }
        if let deadline { h.deadline = deadline }
    }
}

struct HouseholdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "household", abstract: "Open, edit, list and show cases (households).",
        subcommands: [Add.self, Edit.self, List.self, Show.self, StageMove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a case.",
            discussion: "Example: wohnlotse household add --ref PLÖ-2026-014 --languages ar,de --benefit sgb2 --deadline 2026-06-30")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("ref"), help: "Reference code (Aktenzeichen), unique.") var referenceCode: String
        @Option(help: "Day the case was opened (default: today).", transform: Parse.date) var opened: CalendarDate?
        @OptionGroup var fields: HouseholdFields

        func run() throws {
            let (db, actor) = try global.session("household add")
            var household = Household(referenceCode: referenceCode.trimmingCharacters(in: .whitespaces), openedOn: opened ?? global.today)
            fields.apply(to: &household)
            household = try db.createHousehold(household, coachName: fields.coach, by: actor)
            try global.emit(household) {
                print("Opened case \(household.referenceCode) (id \(household.id?.description ?? "?")), stage \(household.stage.rawValue).")
                print("Next: wohnlotse member add --household \(household.referenceCode) --given NAME --family NAME --born YYYY-MM-DD --role applicant")
            }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a case's details (use 'household stage' to move its stage).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference code or id.") var household: String
        @Option(name: .customLong("ref"), help: "New reference code.") var newReference: String?
        @Option(help: "Clear fields: bg-number, accommodation, accommodation-municipality, max-floor, wbs-rooms, earliest, deadline, coach.")
        var clear: [String] = []
        @OptionGroup var fields: HouseholdFields

        static let clearable = ["bg-number", "accommodation", "accommodation-municipality", "max-floor", "wbs-rooms", "earliest", "deadline", "coach"]

        func validate() throws {
            for field in clear where !Self.clearable.contains(field) {
                throw ValidationError("cannot clear '\(field)': clearable fields are \(Self.clearable.joined(separator: ", "))")
            }
        }

        func run() throws {
            let (db, actor) = try global.session("household edit")
            let updated = try db.updateHousehold(household, coachName: fields.coach, by: actor) { h in
                if let newReference { h.referenceCode = newReference }
                fields.apply(to: &h)
                for field in clear {
                    switch field {
                    case "bg-number": h.jobcentreNumber = nil
                    case "accommodation": h.currentAccommodation = nil
                    case "accommodation-municipality": h.currentMunicipality = nil
                    case "max-floor": h.needs.maxFloor = nil
                    case "wbs-rooms": h.needs.wbsRooms = nil
                    case "earliest": h.earliestMoveDate = nil
                    case "deadline": h.deadline = nil
                    case "coach": h.coachID = nil
                    default: break
                    }
                }
            }
            try global.emit(updated) { print("Updated case \(updated.referenceCode).") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cases you may see, with stage, size and deadline.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only cases in this stage.") var stage: Stage?
        @Option(help: "Only cases of this coach.") var coach: String?

        func run() throws {
            let (db, actor) = try global.session("household list")
            let list = try db.households(HouseholdFilter(stage: stage, coachName: coach), by: actor)
            try global.emit(list) {
                print(Output.table(["id", "reference", "stage", "persons", "coach", "deadline", "opened"], list.map {
                    [$0.id.description, $0.referenceCode, $0.stage.rawValue, String($0.size), Output.dash($0.coach), $0.deadline?.iso ?? "-", $0.openedOn.iso]
                }))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a case: members, needs, anchors, stage history, visits.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference code or id.") var household: String

        func run() throws {
            let (db, actor) = try global.session("household show")
            let detail = try db.householdDetail(household, by: actor)
            try global.emit(detail) { print(HouseholdReport.render(detail, today: global.today)) }
        }
    }

    struct StageMove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stage", abstract: "Move a case to another stage.",
            discussion: "Stages: intake → coaching → searching → viewing → contract → moved-in → aftercare → closed; viewing/contract can go back to searching, any stage can close, a closed case can reopen at intake.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Reference code or id.") var household: String
        @Argument(help: "The new stage.") var stage: Stage
        @Option(help: "Day of the move (default: today).", transform: Parse.date) var date: CalendarDate?
        @Option(help: "Why, in a few words.") var note: String?

        func run() throws {
            let (db, actor) = try global.session("household stage")
            let change = try db.moveStage(household, to: stage, on: date ?? global.today, note: note, by: actor)
            try global.emit(change) { print("Moved \(household) from \(change.from?.rawValue ?? "-") to \(change.to.rawValue) on \(change.date.iso).") }
        }
    }
}

enum HouseholdReport {
    static func render(_ d: HouseholdDetail, today: CalendarDate) -> String {
        let h = d.household
        var needs: [String] = []
        if h.needs.stepFree { needs.append("step-free") }
        if h.needs.groundFloorOrLift { needs.append("ground floor or lift") }
        if let f = h.needs.maxFloor { needs.append("max floor \(f)") }
        if h.needs.pets { needs.append("pets") }
        if h.needs.wbsHeld { needs.append("WBS held" + (h.needs.wbsRooms.map { " (\($0) rooms)" } ?? "")) }
        var out = "Case \(h.referenceCode) (id \(h.id?.description ?? "?")) — \(h.stage.rawValue)\n"
        out += Output.fields([
            ("BG-Nummer", h.jobcentreNumber),
            ("benefit", h.benefitType.rawValue),
            ("coach", d.coach),
            ("languages", h.languages.isEmpty ? nil : h.languages.joined(separator: ", ") + (h.interpreterNeeded ? " (interpreter needed)" : "")),
            ("lives in", [h.currentAccommodation, h.currentMunicipality?.rawValue].compactMap { $0 }.joined(separator: ", ").nilIfEmpty),
            ("Wohnsitzauflage", h.residenceObligation == .none ? nil : h.residenceObligation.code),
            ("needs", needs.isEmpty ? nil : needs.joined(separator: ", ")),
            ("preferred", h.preferredMunicipalities.isEmpty ? nil : h.preferredMunicipalities.map(\.rawValue).joined(separator: ", ")),
            ("excluded", h.excludedMunicipalities.isEmpty ? nil : h.excludedMunicipalities.map(\.rawValue).joined(separator: ", ")),
            ("move window", (h.earliestMoveDate != nil || h.deadline != nil) ? "\(h.earliestMoveDate?.iso ?? "now") to \(h.deadline?.iso ?? "open")" : nil),
            ("opened", h.openedOn.iso),
        ])
        out += "\n\nMembers (\(d.members.count))\n"
        out += Output.table(["id", "name", "born", "age", "role"], d.members.map {
            [$0.id?.description ?? "?", $0.fullName, $0.birthDate.iso, String($0.birthDate.age(on: today)), $0.role.rawValue]
        })
        out += "\n\nAnchors (\(d.anchors.count))\n"
        out += Output.table(["id", "kind", "place", "address", "days/week", "member", "until"], d.anchors.map {
            [$0.id?.description ?? "?", $0.kind.rawValue, $0.label, $0.address.oneLine.nilIfEmpty ?? coordinateText($0.coordinate),
             String($0.daysPerWeek), $0.memberID?.description ?? "all", $0.endDate?.iso ?? "-"]
        })
        out += "\n\nStage history\n"
        out += Output.table(["date", "from", "to", "by", "note"], d.stageHistory.map {
            [$0.date.iso, $0.from?.rawValue ?? "-", $0.to.rawValue, $0.actor, Output.dash($0.note)]
        })
        out += "\n\nVisits (\(d.visits.count))\n"
        out += Output.table(["date", "kind", "min", "topics", "follow-up", "note"], d.visits.map {
            [$0.date.iso, $0.kind.rawValue, String($0.durationMinutes), $0.topics.joined(separator: ", "), $0.followUp?.iso ?? "-", Output.dash($0.note)]
        })
        return out
    }

    static func coordinateText(_ c: Coordinate?) -> String {
        c.map { String(format: "%.4f, %.4f", $0.latitude, $0.longitude) } ?? "-"
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

struct MemberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member", abstract: "Add and edit the people of a household.", subcommands: [Add.self, Edit.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a member to a household.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Reference code or id of the household.") var household: String
        @Option(help: "Given name.") var given: String
        @Option(help: "Family name.") var family: String
        @Option(help: "Birth date (YYYY-MM-DD).", transform: Parse.date) var born: CalendarDate
        @Option(help: "applicant, partner, child or other-relative.") var role: Member.Role

        func run() throws {
            let (db, actor) = try global.session("member add")
            let member = try db.addMember(
                Member(householdID: 0, givenName: given, familyName: family, birthDate: born, role: role),
                toHousehold: household, today: global.today, by: actor)
            try global.emit(member) { print("Added member \(member.id?.description ?? "?") (\(member.role.rawValue)) to \(household).") }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Correct a member's name, birth date or role.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Member id (see 'household show').") var id: Int64
        @Option(help: "Given name.") var given: String?
        @Option(help: "Family name.") var family: String?
        @Option(help: "Birth date (YYYY-MM-DD).", transform: Parse.date) var born: CalendarDate?
        @Option(help: "applicant, partner, child or other-relative.") var role: Member.Role?

        func run() throws {
            let (db, actor) = try global.session("member edit")
            let member = try db.updateMember(Member.ID(id), today: global.today, by: actor) { m in
                if let given { m.givenName = given }
                if let family { m.familyName = family }
                if let born { m.birthDate = born }
                if let role { m.role = role }
            }
            try global.emit(member) { print("Updated member \(id).") }
        }
    }
}

/// Where an anchor is: an address or coordinates.
struct PlaceOptions: ParsableArguments {
    @Option(help: "Postal code, e.g. 24306.", transform: Parse.postalCode) var postalCode: PostalCode?
    @Option(help: "Place, e.g. Plön.") var place: String?
    @Option(help: "Street.") var street: String?
    @Option(help: "House number.") var houseNumber: String?
    @Option(help: "Latitude (WGS84).") var lat: Double?
    @Option(help: "Longitude (WGS84).") var lon: Double?
}

struct AnchorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anchor", abstract: "The places members must reach: job, training, course, school, Kita, therapy.",
        subcommands: [Add.self, Edit.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a place a member goes to regularly.",
            discussion: "Example: wohnlotse anchor add --household PLÖ-2026-014 --member 3 --kind training --label 'Berufsschule Plön' --postal-code 24306 --place Plön --days 2")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Reference code or id of the household.") var household: String
        @Option(help: "Member id (default: the whole household).") var member: Int64?
        @Option(help: "job, training, language-course, school, kita, therapy or other.") var kind: Anchor.Kind
        @Option(help: "What the place is, e.g. 'Berufsschule Plön'.") var label: String
        @OptionGroup var place: PlaceOptions
        @Option(help: "Days per week, 1 to 7.") var days: Int
        @Option(help: "First day (YYYY-MM-DD).", transform: Parse.date) var start: CalendarDate?
        @Option(help: "Last day (YYYY-MM-DD).", transform: Parse.date) var end: CalendarDate?

        func run() throws {
            let (db, actor) = try global.session("anchor add")
            let anchor = Anchor(
                householdID: 0, memberID: member.map { Member.ID($0) }, kind: kind, label: label,
                address: Address(street: place.street, houseNumber: place.houseNumber, postalCode: place.postalCode, place: place.place),
                coordinate: try Parse.coordinate(lat: place.lat, lon: place.lon), daysPerWeek: days, startDate: start, endDate: end)
            let saved = try db.addAnchor(try Geocoding.resolve(anchor, global: global), toHousehold: household, by: actor)
            try global.emit(saved) { print("Added anchor \(saved.id?.description ?? "?"): \(saved.kind.rawValue) \(saved.label), \(saved.daysPerWeek) days/week.") }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an anchor.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Anchor id (see 'household show').") var id: Int64
        @Option(help: "What the place is.") var label: String?
        @OptionGroup var place: PlaceOptions
        @Option(help: "Days per week, 1 to 7.") var days: Int?
        @Option(help: "First day (YYYY-MM-DD).", transform: Parse.date) var start: CalendarDate?
        @Option(help: "Last day (YYYY-MM-DD).", transform: Parse.date) var end: CalendarDate?

        func run() throws {
            let (db, actor) = try global.session("anchor edit")
            let coordinate = try Parse.coordinate(lat: place.lat, lon: place.lon)
            var updated = try db.updateAnchor(Anchor.ID(id), by: actor) { a in
                if let label { a.label = label }
                if let days { a.daysPerWeek = days }
                if let start { a.startDate = start }
                if let end { a.endDate = end }
                if place.postalCode != nil || place.place != nil || place.street != nil {
                    a.address = Address(
                        street: place.street ?? a.address.street, houseNumber: place.houseNumber ?? a.address.houseNumber,
                        postalCode: place.postalCode ?? a.address.postalCode, place: place.place ?? a.address.place)
                    a.coordinate = nil
                }
                if let coordinate { a.coordinate = coordinate }
            }
            if updated.coordinate == nil {
                let resolved = try Geocoding.resolve(updated, global: global)
                updated = try db.updateAnchor(Anchor.ID(id), by: actor) { $0.coordinate = resolved.coordinate }
            }
            try global.emit(updated) { print("Updated anchor \(id).") }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an anchor that no longer applies.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Anchor id.") var id: Int64

        func run() throws {
            let (db, actor) = try global.session("anchor remove")
            try db.removeAnchor(Anchor.ID(id), by: actor)
            print("Removed anchor \(id).")
        }
    }
}

struct VisitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visit", abstract: "Log coaching contacts with a household.", subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log a visit, call or accompanied viewing.",
            discussion: "Example: wohnlotse visit add --household PLÖ-2026-014 --kind home-visit --minutes 45 --topic heating --note 'Mould in the bathroom' --follow-up 2026-03-10")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Reference code or id of the household.") var household: String
        @Option(help: "home-visit, office, phone, accompanied-viewing or other.") var kind: Visit.Kind
        @Option(help: "Day of the visit (default: today).", transform: Parse.date) var date: CalendarDate?
        @Option(help: "Duration in minutes.") var minutes: Int
        @Option(name: .customLong("topic"), help: "A topic (repeat for several).") var topics: [String] = []
        @Option(help: "Free-text note (never shown to the job centre).") var note: String?
        @Option(help: "When to follow up (YYYY-MM-DD).", transform: Parse.date) var followUp: CalendarDate?

        func run() throws {
            let (db, actor) = try global.session("visit add")
            let visit = try db.addVisit(
                Visit(householdID: 0, coachID: actor.userID, date: date ?? global.today, kind: kind, durationMinutes: minutes,
                    topics: topics, note: note, followUp: followUp),
                toHousehold: household, by: actor)
            try global.emit(visit) {
                print("Logged \(visit.kind.rawValue) on \(visit.date.iso) for \(household)" + (visit.followUp.map { "; follow up on \($0.iso)" } ?? "") + ".")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a household's visits, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Reference code or id of the household.") var household: String

        func run() throws {
            let (db, actor) = try global.session("visit list")
            let visits = try db.householdDetail(household, by: actor).visits
            try global.emit(visits) {
                print(Output.table(["id", "date", "kind", "min", "topics", "follow-up", "note"], visits.map {
                    [$0.id?.description ?? "?", $0.date.iso, $0.kind.rawValue, String($0.durationMinutes), $0.topics.joined(separator: ", "), $0.followUp?.iso ?? "-", Output.dash($0.note)]
                }))
            }
        }
    }
}
