import HousingDomain
import RuleBook

extension ExplanationFacts {
    /// The facts as stored with a suggestion: byte for byte what `JSONEncoder` with `.sortedKeys`
    /// writes (keys in byte order, absent optionals left out, `/` escaped, numbers in Swift's
    /// shortest round-trip form without a trailing `.0`), written directly, which is many times
    /// faster; `ExplanationJSONTests` compares the two on random and fully populated facts.
    ///
    /// - Throws: `EncodingError.invalidValue` for a number that is not finite, as `JSONEncoder` does.
    public func jsonText() throws -> String {
        var out = JSONText()
        try out.facts(self)
        return out.text
    }
}

/// A JSON writer for the stored explanation types: each object lists its keys in sorted order.
struct JSONText {
    private var bytes: [UInt8] = []
    private static let hex = Array("0123456789abcdef".utf8)

    init() { bytes.reserveCapacity(1024) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Values

    private mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Bytes that `JSONEncoder` escapes: control characters, `"`, `\\` and `/`.
    private static let escaped: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x2F }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            Self.escaped.withUnsafeBufferPointer { escaped in
                var clean = 0
                for i in 0..<utf8.count where escaped[Int(utf8[i])] {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean..<i]))
                    escape(utf8[i])
                    clean = i + 1
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean..<utf8.count]))
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ c: UInt8) {
        switch c {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case UInt8(ascii: "/"): raw("\\/")
        case 0x08: raw("\\b")
        case 0x09: raw("\\t")
        case 0x0A: raw("\\n")
        case 0x0C: raw("\\f")
        case 0x0D: raw("\\r")
        default:
            raw("\\u00")
            bytes.append(Self.hex[Int(c >> 4)])
            bytes.append(Self.hex[Int(c & 0xF)])
        }
    }

    mutating func number(_ d: Double) throws {
        guard d.isFinite else {
            throw EncodingError.invalidValue(d, .init(codingPath: [], debugDescription: "Unable to encode Double.\(d) directly in JSON."))
        }
        var text = d.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    // MARK: Keyed values (a key with a nil value is left out, as the synthesized encoders do)

    mutating func key(_ k: StaticString) {
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        raw(k)
        raw("\":")
    }

    mutating func string(_ k: StaticString, _ value: String?) {
        guard let value else { return }
        key(k)
        string(value)
    }

    mutating func number(_ k: StaticString, _ value: Double) throws {
        key(k)
        try number(value)
    }

    mutating func number(_ k: StaticString, _ value: Int?) {
        guard let value else { return }
        key(k)
        number(value)
    }

    mutating func number(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    mutating func bool(_ k: StaticString, _ value: Bool?) {
        guard let value else { return }
        key(k)
        value ? raw("true") : raw("false")
    }

    mutating func money(_ k: StaticString, _ value: Money?) { string(k, value?.decimalString) }


    /// `{…}`, its keys written by `fields`; at top level when `k` is nil.
    mutating func object(_ k: StaticString?, _ fields: (inout JSONText) throws -> Void) rethrows {
        if let k { key(k) }
        bytes.append(UInt8(ascii: "{"))
        try fields(&self)
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array<T>(_ k: StaticString, _ items: [T], _ element: (inout JSONText, T) throws -> Void) rethrows {
        key(k)
        bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            try element(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    // MARK: The stored explanation types

    mutating func facts(_ f: ExplanationFacts) throws {
        try object(nil) { o in
            o.number("ageDays", f.ageDays)
            o.bool("anchorsLocated", f.anchorsLocated)
            o.bool("anchorsRecorded", f.anchorsRecorded)
            try o.number("appropriateArea", f.appropriateArea)
            try o.number("area", f.area)
            o.string("availableFrom", f.availableFrom?.iso)
            o.string("availableFromText", f.availableFromText)
            if let cost = f.cost { try o.cost(cost) }
            o.string("deadline", f.deadline?.iso)
            o.number("duplicateOf", f.duplicateOf.map { Int($0.rawValue) })
            o.bool("excluded", f.excluded)
            o.number("floor", f.floor)
            o.number("gross", Int(f.gross))
            o.bool("hasPreferences", f.hasPreferences)
            o.bool("inCounty", f.inCounty)
            o.string("landlord", f.landlord)
            o.bool("lift", f.lift)
            o.number("limit", f.limit.map { Int($0) })
            o.number("members", f.members)
            try o.number("minArea", f.minArea)
            try o.number("minRooms", f.minRooms)
            o.string("municipality", f.municipality?.rawValue)
            o.object("needs") { o in
                let n = f.needs
                o.bool("groundFloorOrLift", n.groundFloorOrLift)
                o.number("maxFloor", n.maxFloor)
                o.bool("pets", n.pets)
                o.bool("stepFree", n.stepFree)
                o.bool("wbsHeld", n.wbsHeld)
                o.number("wbsRooms", n.wbsRooms)
            }
            o.number("passed", f.passed)
            o.bool("permitted", f.permitted)
            o.bool("petsAllowed", f.petsAllowed)
            o.string("residence", f.residence)
            try o.number("rooms", f.rooms)
            o.string("status", f.status.rawValue)
            o.bool("stepFree", f.stepFree)
            try o.array("trips", f.trips) { o, t in
                try o.object(nil) { o in
                    o.string("anchor", t.anchor)
                    o.number("days", t.days)
                    o.bool("estimated", t.estimated)
                    try o.number("kilometres", t.kilometres)
                    o.string("kind", t.kind.rawValue)
                    o.number("method", t.method)
                    try o.number("minutes", t.minutes)
                    o.string("mode", t.mode.rawValue)
                    try o.number("score", t.score)
                }
            }
            try o.number("urgency", f.urgency)
            o.string("urgencyDetail", f.urgencyDetail)
            try o.array("values", f.values) { o, v in try o.number(v) }
            o.bool("wbsRequired", f.wbsRequired)
        }
    }

    /// The `cost` member.
    mutating func cost(_ c: ExplanationFacts.Cost) throws {
        object("cost") { o in
            if let cap = c.combinedCap {
                o.object("combinedCap") { o in
                    o.money("cap", cap.cap)
                    o.money("cost", cap.cost)
                    o.money("headroom", cap.headroom)
                }
            }
            o.object("heating") { o in
                let h = c.heating
                o.number("appropriateArea", h.appropriateArea)
                o.money("cost", h.cost)
                o.money("headroom", h.headroom)
                o.string("heatingType", h.heatingType?.rawValue)
                o.money("monthlyThreshold", h.monthlyThreshold)
                o.bool("placeholderFigures", h.placeholderFigures)
                o.string("reason", h.reason)
                o.money("thresholdPerSquareMetreYear", h.thresholdPerSquareMetreYear)
                o.string("verdict", h.verdict.rawValue)
            }
            o.bool("largerHouseholdRule", c.largerHouseholdRule)
            o.money("limit", c.limit)
            o.number("municipalityName", c.municipalityName)
            o.money("netColdRent", c.netColdRent)
            o.array("notes", c.notes) { o, n in o.number(n) }
            o.money("operatingCosts", c.operatingCosts)
            o.number("region", c.region)
            o.number("tableRow", c.tableRow)
            o.string("verdict", c.verdict.rawValue)
        }
    }
}
