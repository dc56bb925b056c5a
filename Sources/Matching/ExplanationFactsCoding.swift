import Foundation
import HousingDomain
import RuleBook

// Explanation facts are stored as JSON arrays, field by field in a fixed order, not as objects:
// the key names were more than half of every stored suggestion. The order below is the format
// (`ExplanationTerms.currentFormat`); money is written in cents, absent values as `null`. The
// hand-written writer (`ExplanationJSON.swift`) produces exactly what `JSONEncoder` makes of these.

extension ExplanationFacts {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(members)
        try c.encode(minArea)
        try c.encode(minRooms)
        try c.encode(appropriateArea)
        var n = c.nestedUnkeyedContainer()
        try n.encode(needs.stepFree)
        try n.encode(needs.groundFloorOrLift)
        try n.encodeOrNil(needs.maxFloor)
        try n.encode(needs.pets)
        try n.encode(needs.wbsHeld)
        try n.encodeOrNil(needs.wbsRooms)
        try c.encodeOrNil(residence)
        try c.encode(permitted)
        try c.encode(excluded)
        try c.encode(hasPreferences)
        try c.encodeOrNil(deadline)
        try c.encode(anchorsRecorded)
        try c.encode(anchorsLocated)
        try c.encode(urgency)
        try c.encode(urgencyDetail)
        try c.encode(status)
        try c.encodeOrNil(duplicateOf)
        try c.encodeOrNil(landlord)
        try c.encode(gross)
        try c.encodeOrNil(limit)
        try c.encode(inCounty)
        try c.encode(area)
        try c.encode(rooms)
        try c.encode(wbsRequired)
        try c.encodeOrNil(stepFree)
        try c.encodeOrNil(floor)
        try c.encodeOrNil(lift)
        try c.encodeOrNil(petsAllowed)
        try c.encodeOrNil(availableFrom)
        try c.encodeOrNil(availableFromText)
        try c.encodeOrNil(municipality)
        try c.encode(ageDays)
        try c.encode(passed)
        try c.encode(values)
        try c.encode(trips)
        try c.encodeOrNil(cost)
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        members = try c.decode(Int.self)
        minArea = try c.decode(Double.self)
        minRooms = try c.decode(Double.self)
        appropriateArea = try c.decode(Double.self)
        var n = try c.nestedUnkeyedContainer()
        needs = Needs(
            stepFree: try n.decode(Bool.self), groundFloorOrLift: try n.decode(Bool.self), maxFloor: try n.decodeIfPresent(Int.self),
            pets: try n.decode(Bool.self), wbsHeld: try n.decode(Bool.self), wbsRooms: try n.decodeIfPresent(Int.self))
        try n.end("needs")
        residence = try c.decodeIfPresent(String.self)
        permitted = try c.decode(Bool.self)
        excluded = try c.decode(Bool.self)
        hasPreferences = try c.decode(Bool.self)
        deadline = try c.decodeIfPresent(CalendarDate.self)
        anchorsRecorded = try c.decode(Bool.self)
        anchorsLocated = try c.decode(Bool.self)
        urgency = try c.decode(Double.self)
        urgencyDetail = try c.decode(String.self)
        status = try c.decode(Listing.Status.self)
        duplicateOf = try c.decodeIfPresent(Listing.ID.self)
        landlord = try c.decodeIfPresent(String.self)
        gross = try c.decode(Int64.self)
        limit = try c.decodeIfPresent(Int64.self)
        inCounty = try c.decode(Bool.self)
        area = try c.decode(Double.self)
        rooms = try c.decode(Double.self)
        wbsRequired = try c.decode(Bool.self)
        stepFree = try c.decodeIfPresent(Bool.self)
        floor = try c.decodeIfPresent(Int.self)
        lift = try c.decodeIfPresent(Bool.self)
        petsAllowed = try c.decodeIfPresent(Bool.self)
        availableFrom = try c.decodeIfPresent(CalendarDate.self)
        availableFromText = try c.decodeIfPresent(String.self)
        municipality = try c.decodeIfPresent(MunicipalityKey.self)
        ageDays = try c.decode(Int.self)
        passed = try c.decode(Int.self)
        values = try c.decode([Double].self)
        trips = try c.decode([Trip].self)
        cost = try c.decodeIfPresent(Cost.self)
        try c.end("facts")
    }
}

extension ExplanationFacts.Trip {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(anchor)
        try c.encode(kind)
        try c.encode(days)
        try c.encode(minutes)
        try c.encode(mode)
        try c.encode(kilometres)
        try c.encode(estimated)
        try c.encode(method)
        try c.encode(score)
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        anchor = try c.decode(String.self)
        kind = try c.decode(Anchor.Kind.self)
        days = try c.decode(Int.self)
        minutes = try c.decode(Double.self)
        mode = try c.decode(TravelMode.self)
        kilometres = try c.decode(Double.self)
        estimated = try c.decode(Bool.self)
        method = try c.decode(Int.self)
        score = try c.decode(Double.self)
        try c.end("trip")
    }
}

extension ExplanationFacts.Cost {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(verdict)
        try c.encodeOrNil(municipalityName)
        try c.encodeOrNil(region)
        try c.encodeOrNil(tableRow)
        try c.encode(largerHouseholdRule)
        try c.encodeOrNil(limit?.cents)
        try c.encode(netColdRent.cents)
        try c.encode(operatingCosts.cents)
        var h = c.nestedUnkeyedContainer()
        try h.encode(heating.verdict)
        try h.encodeOrNil(heating.heatingType)
        try h.encodeOrNil(heating.cost?.cents)
        try h.encodeOrNil(heating.thresholdPerSquareMetreYear?.cents)
        try h.encodeOrNil(heating.appropriateArea)
        try h.encodeOrNil(heating.monthlyThreshold?.cents)
        try h.encodeOrNil(heating.headroom?.cents)
        try h.encode(heating.placeholderFigures)
        try h.encodeOrNil(heating.reason)
        if let cap = combinedCap {
            try c.encode([cap.cap.cents, cap.cost.cents, cap.headroom.cents])
        } else {
            try c.encodeNil()
        }
        try c.encode(notes)
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        verdict = try c.decode(CostJudgement.Verdict.self)
        municipalityName = try c.decodeIfPresent(Int.self)
        region = try c.decodeIfPresent(Int.self)
        tableRow = try c.decodeIfPresent(Int.self)
        largerHouseholdRule = try c.decode(Bool.self)
        limit = try c.decodeIfPresent(Int64.self).map(Money.init(cents:))
        netColdRent = Money(cents: try c.decode(Int64.self))
        operatingCosts = Money(cents: try c.decode(Int64.self))
        var h = try c.nestedUnkeyedContainer()
        heating = HeatingJudgement(
            verdict: try h.decode(HeatingJudgement.Verdict.self), heatingType: try h.decodeIfPresent(HeatingType.self),
            cost: try h.decodeIfPresent(Int64.self).map(Money.init(cents:)),
            thresholdPerSquareMetreYear: try h.decodeIfPresent(Int64.self).map(Money.init(cents:)), appropriateArea: try h.decodeIfPresent(Int.self),
            monthlyThreshold: try h.decodeIfPresent(Int64.self).map(Money.init(cents:)), headroom: try h.decodeIfPresent(Int64.self).map(Money.init(cents:)),
            placeholderFigures: try h.decode(Bool.self), reason: try h.decodeIfPresent(String.self))
        try h.end("heating")
        combinedCap = try c.decodeIfPresent([Int64].self).map { cap in
            guard cap.count == 3 else { throw StoredExplanationError.damaged("a combined cap of \(cap.count) figures, not 3") }
            return CombinedCapJudgement(cap: Money(cents: cap[0]), cost: Money(cents: cap[1]), headroom: Money(cents: cap[2]))
        }
        notes = try c.decode([Int].self)
        try c.end("cost")
    }
}

extension UnkeyedEncodingContainer {
    mutating func encodeOrNil<T: Encodable>(_ value: T?) throws {
        if let value { try encode(value) } else { try encodeNil() }
    }
}

extension UnkeyedDecodingContainer {
    /// Refuses fields beyond the known ones (a later format).
    func end(_ what: String) throws {
        guard isAtEnd else {
            throw StoredExplanationError.damaged("the \(what) hold more fields than this version knows")
        }
    }
}
