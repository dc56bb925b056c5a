import Foundation
import HousingDomain
import RuleBook
import Synchronization

/// The figures behind one explanation, as a suggestion stores them: what the hard checks and the
/// score components saw of the household and the flat, and what they concluded. The texts of a
/// `MatchExplanation` are written from these and the run's `ExplanationTerms` (rules, cost table,
/// shared texts: stored once per run) when a suggestion is read. A stored suggestion so keeps every
/// figure its explanation quotes in about a fifth of the bytes of the finished texts, which is what
/// storing a run cost most (77 MB for the 20,000 suggestions of a district, 2 GB at state scale).
public struct ExplanationFacts: Hashable, Codable, Sendable {
    /// A trip from one anchor to the flat.
    public struct Trip: Hashable, Codable, Sendable {
        public var anchor: String
        public var kind: Anchor.Kind
        public var days: Int
        public var minutes: Double
        public var mode: TravelMode
        /// Road distance, km.
        public var kilometres: Double
        public var estimated: Bool
        /// Index of how the figure was made (`TravelEstimate.method`) in the terms' texts.
        public var method: Int
        public var score: Double
    }

    /// The KdU judgement, without what every suggestion of the run shares (date, table, region names).
    public struct Cost: Hashable, Codable, Sendable {
        public var verdict: CostJudgement.Verdict
        /// Index in the terms' texts.
        public var municipalityName: Int?
        /// Index in the terms' regions; nil when no Kreis Plön limit applies.
        public var region: Int?
        /// The table row applied and whether the larger-household rule scaled it; nil without a region.
        public var tableRow: Int?
        public var largerHouseholdRule: Bool
        public var limit: Money?
        public var netColdRent: Money
        public var operatingCosts: Money
        public var heating: HeatingJudgement
        public var combinedCap: CombinedCapJudgement?
        /// Indices in the terms' texts.
        public var notes: [Int]
    }

    // The household, as the run planned it.
    public var members: Int
    public var minArea: Double
    public var minRooms: Double
    public var appropriateArea: Double
    public var needs: Needs
    /// The Wohnsitzauflage's code; nil when the household has none.
    public var residence: String?
    /// The Wohnsitzauflage allows the flat's municipality.
    public var permitted: Bool
    /// The household excluded the flat's municipality.
    public var excluded: Bool
    public var hasPreferences: Bool
    public var deadline: CalendarDate?
    /// The household has anchors at all, and relevant ones with a known location.
    public var anchorsRecorded: Bool
    public var anchorsLocated: Bool
    public var urgency: Double
    public var urgencyDetail: String

    // The flat.
    public var status: Listing.Status
    public var duplicateOf: Listing.ID?
    /// The landlord's openness (`unknown` when not known); nil when the listing names no landlord.
    public var landlord: String?
    /// Bruttokaltmiete and the household's KdU limit for the flat's region, in cents.
    public var gross: Int64
    public var limit: Int64?
    /// The flat's municipality has a Kreis Plön region.
    public var inCounty: Bool
    public var area: Double
    public var rooms: Double
    public var wbsRequired: Bool
    public var stepFree: Bool?
    public var floor: Int?
    public var lift: Bool?
    public var petsAllowed: Bool?
    public var availableFrom: CalendarDate?
    public var availableFromText: String?
    public var municipality: MunicipalityKey?
    public var ageDays: Int

    // What the checks and components made of them.
    /// Bit i set: the i-th check of `MatchingEngine.checkIDs` passed.
    public var passed: Int
    /// The six component values, in the order of `MatchingEngine.componentIDs`.
    public var values: [Double]
    public var trips: [Trip]
    public var cost: Cost?
}

/// What every explanation of a run shares, stored once with the run: the date, the matching rules
/// (weights, norms, tolerance), the cost table, and texts that repeat (notes, municipality names,
/// travel methods), which the facts name by position.
public struct ExplanationTerms: Hashable, Codable, Sendable {
    /// 2: facts and terms (explanations stored whole, before, have no terms).
    public var format: Int
    public var date: CalendarDate
    public var rules: MatchingRules
    public var rulesVersion: String
    public var table: CostJudgement.TableVersion?
    public var regions: [CostJudgement.Region]
    public var texts: [String]

    public static let currentFormat = 2

    /// The last few runs' terms read: a page or a list shows many suggestions of one run.
    private static let recent = Mutex<[(json: String, terms: ExplanationTerms)]>([])

    static func decoded(_ json: String) throws -> ExplanationTerms {
        if let hit = recent.withLock({ $0.first { $0.json == json }?.terms }) { return hit }
        let terms = try JSONDecoder().decode(ExplanationTerms.self, from: Data(json.utf8))
        recent.withLock { recent in
            recent.insert((json, terms), at: 0)
            if recent.count > 4 { recent.removeLast() }
        }
        return terms
    }

    func text(_ i: Int) throws -> String {
        guard texts.indices.contains(i) else { throw StoredExplanationError.damaged("text \(i) is not among the run's \(texts.count) texts") }
        return texts[i]
    }
}

/// Texts that repeat across a run's explanations, each kept once; facts refer to them by position.
public struct TextTable: Sendable {
    public private(set) var texts: [String] = []
    private var positions: [Bytes: Int] = [:]

    /// A text by its UTF-8 bytes: hashing a `String` normalises it first (canonical equivalence),
    /// which was a sixth of making a suggestion's facts; two spellings of one text just get two rows.
    private struct Bytes: Hashable {
        var text: String
        static func == (a: Bytes, b: Bytes) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
        func hash(into hasher: inout Hasher) {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    public init() {}

    public mutating func position(of text: String) -> Int {
        if let i = positions[Bytes(text: text)] { return i }
        texts.append(text)
        positions[Bytes(text: text)] = texts.count - 1
        return texts.count - 1
    }
}

public enum StoredExplanationError: Error, CustomStringConvertible, Sendable {
    case damaged(String)

    public var description: String {
        switch self {
        case .damaged(let what):
            return "the stored explanation cannot be read (\(what)); run `wohnlotse match run` again to explain the pair afresh"
        }
    }
}

extension MatchingRules {
    /// The six weights in the order of `MatchingEngine.componentIDs`, scaled to sum to 1.
    var normalisedWeights: [Double] {
        let w = weights
        let raw = [w.commute, w.costHeadroom, w.space, w.landlord, w.preferredMunicipality, w.timeOnMarket]
        let total = raw.reduce(0, +)
        return raw.map { total > 0 ? $0 / total : 0 }
    }

    /// `Rules/matching.yaml`'s version as explanations name it.
    var weightsVersion: String { "\(version) (\(file))" }

    /// Score × (1 + fairness weight × urgency), normalised to 0…1.
    @inline(__always)
    func priority(score: Double, urgency: Double) -> Double { Self.priority(score: score, urgency: urgency, fairness: fairness.weight) }

    @inline(__always)
    static func priority(score: Double, urgency: Double, fairness f: Double) -> Double { score * (1 + f * urgency) / (1 + f) }
}

extension MatchingEngine {
    /// The hard checks in the order explanations list them.
    static let checkIDs = ["listing", "cost", "space", "wbs", "access", "pets", "dates", "place"]

    /// Σ value × weight, added in component order: the score an explanation states.
    static func score(values: [Double], weights: [Double]) -> Double {
        var score = 0.0
        for i in values.indices { score += values[i] * weights[i] }
        return score
    }

    /// The terms a run's explanations share; `texts` are those its facts refer to.
    func terms(_ context: RuleContext, texts: [String]) -> ExplanationTerms {
        let table = context.table
        return ExplanationTerms(
            format: ExplanationTerms.currentFormat, date: context.date, rules: rules, rulesVersion: context.rulesVersion,
            table: .init(validFrom: table.validFrom, source: table.source, file: table.file),
            regions: table.regions.map { .init(id: $0.id, name: $0.name) }, texts: texts)
    }

    /// The facts of a pair from a prepared plan; `openness` is the listing's landlord's (nil when the
    /// listing names none or it is unknown). Repeating texts go into `texts`.
    func facts(_ p: Plan, profile: HouseholdProfile, listing: Listing, openness: Landlord.Openness?, context: RuleContext,
               texts: inout TextTable) -> ExplanationFacts {
        let r = row(listing, openness: openness, context: context)
        let passed = [listingOK(r), costOK(p, r), spaceOK(p, r), wbsOK(p, r), accessOK(p.needs, r), petsOK(p, r), datesOK(p, r), placeOK(p, r)]
        var trips: [ExplanationFacts.Trip] = []
        if let to = listing.coordinate {
            for a in p.anchors {
                let e = travel.estimate(from: a.coordinate, to: to)
                trips.append(.init(
                    anchor: a.anchor.label, kind: a.anchor.kind, days: a.days, minutes: e.minutes, mode: e.mode, kilometres: e.distanceKilometres,
                    estimated: e.estimated, method: texts.position(of: e.method), score: tripScore(e.minutes)))
            }
        }
        var cost: ExplanationFacts.Cost?
        if let costCase = try? CostCase(listing: listing, members: profile.members, on: context.date),
            let j = try? book.judge(costCase, on: context.date)
        {
            cost = .init(
                verdict: j.verdict, municipalityName: j.municipalityName.map { texts.position(of: $0) },
                region: j.region.flatMap { region in context.table.regions.firstIndex { $0.id == region.id } }, tableRow: j.row?.tableRow,
                largerHouseholdRule: j.row?.largerHouseholdRule ?? false, limit: j.limit, netColdRent: j.netColdRent,
                operatingCosts: j.operatingCosts, heating: j.heating, combinedCap: j.combinedCap, notes: j.notes.map { texts.position(of: $0) })
        }
        let m = listing.municipality
        return ExplanationFacts(
            members: profile.members.count, minArea: p.minArea, minRooms: p.minRooms, appropriateArea: p.appropriateArea, needs: p.needs,
            residence: p.residence == .none ? nil : p.residence.code, permitted: m.map(p.residence.permits) ?? false,
            excluded: m.map(p.excluded.contains) ?? false, hasPreferences: !p.preferred.isEmpty, deadline: p.deadline,
            anchorsRecorded: !profile.anchors.isEmpty, anchorsLocated: !p.anchors.isEmpty, urgency: p.urgency, urgencyDetail: p.urgencyDetail,
            status: listing.status, duplicateOf: listing.duplicateOf,
            landlord: listing.landlordID == nil ? nil : (openness ?? .unknown).rawValue, gross: r.gross, limit: limit(p, r),
            inCounty: r.region >= 0, area: r.area, rooms: r.rooms, wbsRequired: r.wbsRequired, stepFree: r.stepFree, floor: r.floor,
            lift: r.lift, petsAllowed: r.petsAllowed, availableFrom: r.availableFrom, availableFromText: listing.availableFromText,
            municipality: m, ageDays: r.ageDays,
            passed: passed.enumerated().reduce(0) { $0 | ($1.element ? 1 << $1.offset : 0) },
            values: componentValues(p, r).array, trips: trips, cost: cost)
    }
}

extension ExplanationFacts {
    /// Whether the i-th check of `MatchingEngine.checkIDs` passed.
    func passed(_ i: Int) -> Bool { passed & (1 << i) != 0 }

    /// The score these facts add up to under the run's rules.
    public func score(_ rules: MatchingRules) -> Double { MatchingEngine.score(values: values, weights: rules.normalisedWeights) }

    /// The global assignment's weight of the pair.
    public func priority(_ rules: MatchingRules) -> Double { rules.priority(score: score(rules), urgency: urgency) }
}

extension MatchExplanation {
    /// A stored suggestion's explanation: `stored` is its own JSON, `terms` its run's (nil for runs
    /// stored before explanations were kept as facts, whose suggestions hold the whole explanation,
    /// in English). Its checks and components are stated in `language`.
    ///
    /// - Throws: `StoredExplanationError.damaged` when the two do not fit together, a
    ///   `DecodingError` for text that is not the JSON they were written as.
    public init(stored: String, terms: String?, language: ExplanationLanguage = .english) throws {
        let decoder = JSONDecoder()
        guard let terms else {
            self = try decoder.decode(MatchExplanation.self, from: Data(stored.utf8))
            return
        }
        let t = try ExplanationTerms.decoded(terms)
        guard t.format == ExplanationTerms.currentFormat else {
            throw StoredExplanationError.damaged("the run's explanations are in format \(t.format); this version reads format \(ExplanationTerms.currentFormat)")
        }
        try self.init(facts: try decoder.decode(ExplanationFacts.self, from: Data(stored.utf8)), terms: t, language: language)
    }

    /// The explanation the facts and terms of a run state: every check with its numbers, every
    /// component with weight and contribution, the cost judgement and the trips.
    public init(facts f: ExplanationFacts, terms: ExplanationTerms, language: ExplanationLanguage = .english) throws {
        let rules = terms.rules
        guard f.values.count == MatchingEngine.componentIDs.count else {
            throw StoredExplanationError.damaged("\(f.values.count) component values, not \(MatchingEngine.componentIDs.count)")
        }
        let trips = try f.trips.map { t in
            Trip(anchor: t.anchor, kind: t.kind, daysPerWeek: t.days,
                 estimate: TravelEstimate(minutes: t.minutes, mode: t.mode, distanceKilometres: t.kilometres, estimated: t.estimated, method: try terms.text(t.method)),
                 score: t.score)
        }
        let w = Wording(language: language)
        let neutral = w.number(rules.commute.noAnchorScore, 1)
        let texts = [
            trips.isEmpty
                ? (f.anchorsLocated ? w.text("the flat has no location", "die Lage der Wohnung ist unbekannt")
                    : f.anchorsRecorded ? w.text("anchors without a known location: neutral \(rules.commute.noAnchorScore)", "Ziele ohne bekannte Lage: neutral \(neutral)")
                    : w.text("no anchors: neutral \(rules.commute.noAnchorScore)", "keine Ziele: neutral \(neutral)"))
                : Self.tripsSummary(trips, language: language),
            f.limit.map { l in
                f.gross <= l
                    ? w.text("headroom \(Money(cents: l - f.gross)) of \(Money(cents: l)) (full score from \(Int(rules.fullScoreHeadroomPercent)) % under)",
                        "Spielraum \(w.money(l - f.gross)) von \(w.money(l)) (volle Punktzahl ab \(Int(rules.fullScoreHeadroomPercent)) % darunter)")
                    : w.text("over the limit", "über der Grenze")
            } ?? w.text("no limit", "keine Grenze"),
            w.text("\(NumberText.fixed(f.area, 1)) m² against \(NumberText.fixed(f.appropriateArea, 0)) m² appropriate for \(f.members) person(s)",
                "\(w.number(f.area, 1)) m² bei \(w.number(f.appropriateArea, 0)) m² angemessen für \(f.members) Person(en)"),
            f.landlord.map { o in w.text("landlord \(o)", "Vermieter: \(Self.openness(o, language))") } ?? w.text("no landlord recorded", "kein Vermieter erfasst"),
            !f.hasPreferences ? w.text("no preferences", "keine Wunschorte")
                : (f.values[4] == 1 ? w.text("in a preferred municipality", "in einer Wunschgemeinde") : w.text("not in a preferred municipality", "nicht in einer Wunschgemeinde")),
            w.text("listed \(f.ageDays) days ago (0 after \(rules.market.staleDays) days)", "seit \(f.ageDays) Tagen inseriert (0 nach \(rules.market.staleDays) Tagen)"),
        ]
        let weights = rules.normalisedWeights
        var components: [Component] = []
        components.reserveCapacity(texts.count)
        for (i, id) in MatchingEngine.componentIDs.enumerated() {
            components.append(.init(id: id, value: f.values[i], weight: weights[i], contribution: f.values[i] * weights[i], detail: texts[i]))
        }
        let score = MatchingEngine.score(values: f.values, weights: weights)
        self.init(
            date: terms.date, checks: Self.checks(f, rules: rules, language: language, placeName: try f.cost?.municipalityName.map(terms.text)),
            components: components, score: score, urgency: f.urgency,
            priority: rules.priority(score: score, urgency: f.urgency), urgencyDetail: f.urgencyDetail, cost: try Self.judgement(f, terms: terms),
            overLimitWithinTolerance: f.limit.map { f.gross > $0 } ?? false,
            trips: trips, rulesVersion: terms.rulesVersion, weightsVersion: rules.weightsVersion)
    }

    /// A landlord's openness (`open`, `unknown`, `declined`) in German.
    static func openness(_ value: String, _ language: ExplanationLanguage) -> String {
        guard language == .german else { return value }
        switch Landlord.Openness(rawValue: value) {
        case .open: return "aufgeschlossen"
        case .unknown: return "unbekannt"
        case .declined: return "lehnt ab"
        case nil: return value
        }
    }

    /// Every hard check with its numbers; `placeName` is the flat's municipality by name (from the
    /// cost judgement), shown with its key.
    static func checks(_ f: ExplanationFacts, rules: MatchingRules, language: ExplanationLanguage = .english, placeName: String? = nil) -> [Check] {
        let w = Wording(language: language)
        var out: [Check] = []
        out.reserveCapacity(9)
        if f.members == 0 {
            out.append(.init(id: "household", passed: false, detail: w.text("the household has no members recorded", "für den Haushalt sind keine Personen erfasst")))
        }
        func check(_ i: Int, _ detail: String) { out.append(.init(id: MatchingEngine.checkIDs[i], passed: f.passed(i), detail: detail)) }
        let offerable = f.status == .active && f.duplicateOf == nil
        check(0, !offerable
            ? w.text("the listing is \(f.status.rawValue)\(f.duplicateOf.map { ", a duplicate of listing \($0)" } ?? "")",
                "das Angebot ist \(Self.status(f.status, language))\(f.duplicateOf.map { ", ein Duplikat von Angebot \($0)" } ?? "")")
            : f.landlord == Landlord.Openness.declined.rawValue
                ? w.text("the landlord has declined to rent to refugee households", "der Vermieter hat abgelehnt, an geflüchtete Haushalte zu vermieten")
            : w.text("active, and the landlord has not declined", "aktiv, und der Vermieter hat nicht abgelehnt"))
        let costText: String
        if let limit = f.limit {
            let diff = limit - f.gross
            costText = f.gross <= limit
                ? w.text("Bruttokaltmiete \(Money(cents: f.gross)) within the limit \(Money(cents: limit)) (headroom \(Money(cents: diff)))",
                    "Bruttokaltmiete \(w.money(f.gross)) innerhalb der Grenze \(w.money(limit)) (Spielraum \(w.money(diff)))")
                : w.text("Bruttokaltmiete \(Money(cents: f.gross)) is \(Money(cents: -diff)) over the limit \(Money(cents: limit))",
                    "Bruttokaltmiete \(w.money(f.gross)) liegt \(w.money(-diff)) über der Grenze \(w.money(limit))")
                    + (f.passed(1) ? w.text(", within the \(rules.costTolerancePercent) % tolerance: the job centre must consent",
                        ", innerhalb der Toleranz von \(rules.costTolerancePercent) %: das Jobcenter muss zustimmen") : "")
        } else {
            costText = !f.inCounty ? w.text("no Kreis Plön KdU limit applies to this municipality", "für diese Gemeinde gilt keine KdU-Grenze des Kreises Plön")
                : w.text("no limit row for \(f.members) persons", "keine Zeile der Tabelle für \(f.members) Personen")
        }
        check(1, costText)
        let rooms = f.rooms == f.rooms.rounded() ? String(Int(f.rooms)) : w.text(String(f.rooms), w.number(f.rooms, 1))
        check(2, w.text(
            "\(NumberText.fixed(f.area, 1)) m² and \(rooms) room(s) for \(f.members) person(s) (at least \(NumberText.fixed(f.minArea, 0)) m² and "
                + "\(NumberText.fixed(f.minRooms, 0)) room(s): \(NumberText.fixed(rules.space.minAreaPerPerson, 0)) m² per person, "
                + "at most \(NumberText.fixed(rules.space.maxPersonsPerRoom, 0)) persons per room)",
            "\(w.number(f.area, 1)) m² und \(rooms) Zimmer für \(f.members) Person(en) (mindestens \(w.number(f.minArea, 0)) m² und "
                + "\(w.number(f.minRooms, 0)) Zimmer: \(w.number(rules.space.minAreaPerPerson, 0)) m² pro Person, "
                + "höchstens \(w.number(rules.space.maxPersonsPerRoom, 0)) Personen pro Zimmer)"))
        let needs = f.needs
        check(3, !f.wbsRequired ? w.text("no WBS required", "kein WBS nötig")
            : needs.wbsHeld ? (f.passed(3) ? w.text("WBS required and held", "WBS nötig und vorhanden")
                : w.text("WBS required; the household's WBS allows \(needs.wbsRooms ?? 0) room(s)", "WBS nötig; der WBS des Haushalts erlaubt \(needs.wbsRooms ?? 0) Zimmer"))
            : w.text("WBS required, but the household holds none", "WBS nötig, der Haushalt hat keinen"))
        check(4, accessText(needs, floor: f.floor, lift: f.lift, stepFree: f.stepFree, language: language))
        check(5, !needs.pets ? w.text("no pets", "keine Haustiere") : f.petsAllowed == true ? w.text("pets allowed", "Haustiere erlaubt")
            : f.passed(5) ? w.text("pets: the listing does not say; ask the landlord", "Haustiere: das Angebot sagt nichts dazu; beim Vermieter nachfragen")
            : w.text("pets not allowed, the household keeps pets", "Haustiere nicht erlaubt, der Haushalt hat Haustiere"))
        check(6, f.availableFrom.map { from in
            w.text("available from \(from.iso)", "frei ab \(w.date(from))")
                + (f.deadline.map { d in
                    f.passed(6) ? w.text(", before the deadline \(d.iso)", ", vor der Frist \(w.date(d))") : w.text(", after the deadline \(d.iso)", ", nach der Frist \(w.date(d))")
                } ?? "")
        } ?? w.text("available now (\(f.availableFromText ?? "no date given"))", "sofort frei (\(f.availableFromText ?? "kein Datum angegeben"))"))
        let placeText: String
        if let key = f.municipality {
            let m = placeName.map { "\($0) (\(key))" } ?? "\(key)"
            let code = f.residence ?? ResidenceObligation.none.code
            if !f.permitted {
                placeText = w.text("the Wohnsitzauflage (\(code)) does not allow \(m)", "die Wohnsitzauflage (\(code)) erlaubt \(m) nicht")
            } else if f.excluded {
                placeText = w.text("\(m) is excluded by the household", "\(m) ist vom Haushalt ausgeschlossen")
            } else {
                placeText = w.text("\(m) allowed", "\(m) erlaubt")
                    + (f.residence == nil ? "" : w.text(" by the Wohnsitzauflage (\(code))", " nach der Wohnsitzauflage (\(code))"))
            }
        } else {
            placeText = w.text("the listing's municipality is unknown", "die Gemeinde des Angebots ist unbekannt")
        }
        check(7, placeText)
        return out
    }

    /// A listing's status in German.
    static func status(_ status: Listing.Status, _ language: ExplanationLanguage) -> String {
        guard language == .german else { return status.rawValue }
        switch status {
        case .active: return "aktiv"
        case .reserved: return "reserviert"
        case .let: return "vermietet"
        case .gone: return "nicht mehr angeboten"
        }
    }

    static func accessText(_ needs: Needs, floor: Int?, lift: Bool?, stepFree: Bool?, language: ExplanationLanguage = .english) -> String {
        let w = Wording(language: language)
        var reasons: [String] = []
        if needs.stepFree && stepFree != true {
            reasons.append(stepFree == nil ? w.text("step-free access needed, the listing does not say", "stufenloser Zugang nötig, das Angebot sagt nichts dazu")
                : w.text("step-free access needed", "stufenloser Zugang nötig"))
        }
        if needs.groundFloorOrLift && !(floor == 0 || lift == true) {
            reasons.append(floor == nil ? w.text("ground floor or lift needed, floor unknown", "Erdgeschoss oder Aufzug nötig, Etage unbekannt")
                : w.text("ground floor or lift needed, floor \(floor ?? 0) without lift", "Erdgeschoss oder Aufzug nötig, Etage \(floor ?? 0) ohne Aufzug"))
        }
        if let maxFloor = needs.maxFloor, lift != true, (floor ?? Int.max) > maxFloor {
            reasons.append(w.text("at most floor \(maxFloor) without a lift, the flat is on \(floor.map { "floor \($0)" } ?? "an unknown floor")",
                "höchstens Etage \(maxFloor) ohne Aufzug, die Wohnung liegt \(floor.map { "in Etage \($0)" } ?? "in unbekannter Etage")"))
        }
        if reasons.isEmpty {
            let needed = needs.stepFree || needs.groundFloorOrLift || needs.maxFloor != nil
            guard needed else { return w.text("no access needs", "kein Bedarf an Barrierefreiheit") }
            let yes = w.text("yes", "ja"), no = w.text("no", "nein")
            return w.text("access needs met (floor \(floor.map(String.init) ?? "?"), lift \(lift == true ? yes : no), step-free \(stepFree == true ? yes : no))",
                "Bedarf an Barrierefreiheit erfüllt (Etage \(floor.map(String.init) ?? "?"), Aufzug \(lift == true ? yes : no), stufenlos \(stepFree == true ? yes : no))")
        }
        return reasons.joined(separator: "; ")
    }

    /// The KdU judgement the facts keep, with the run's date, table and region.
    static func judgement(_ f: ExplanationFacts, terms: ExplanationTerms) throws -> CostJudgement? {
        guard let c = f.cost else { return nil }
        guard let municipality = f.municipality else { throw StoredExplanationError.damaged("a cost judgement without a municipality") }
        let region = try c.region.map { i in
            guard terms.regions.indices.contains(i) else { throw StoredExplanationError.damaged("region \(i) is not among the run's regions") }
            return terms.regions[i]
        }
        let gross = c.netColdRent + c.operatingCosts
        return CostJudgement(
            verdict: c.verdict, date: terms.date, municipality: municipality, municipalityName: try c.municipalityName.map(terms.text),
            region: region, table: region == nil ? nil : terms.table,
            row: c.tableRow.map { .init(householdSize: f.members, tableRow: $0, largerHouseholdRule: c.largerHouseholdRule, appropriateArea: Int(f.appropriateArea)) },
            limit: c.limit, netColdRent: c.netColdRent, operatingCosts: c.operatingCosts, grossColdRent: gross, headroom: c.limit.map { $0 - gross },
            livingArea: f.area, heating: c.heating, combinedCap: c.combinedCap, notes: try c.notes.map(terms.text))
    }
}
