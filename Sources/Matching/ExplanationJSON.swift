import HousingDomain
import RuleBook

extension MatchExplanation {
    /// The explanation as stored with a suggestion: byte for byte what `JSONEncoder` with
    /// `.sortedKeys` writes (keys in byte order, absent optionals left out, `/` escaped, numbers in
    /// Swift's shortest round-trip form without a trailing `.0`), written directly, which is many
    /// times faster; `ExplanationJSONTests` compares the two on random and fully populated explanations.
    ///
    /// - Throws: `EncodingError.invalidValue` for a number that is not finite, as `JSONEncoder` does.
    public func jsonText() throws -> String {
        var out = JSONText()
        try out.explanation(self)
        return out.text
    }
}

/// A JSON writer for the explanation types: each object lists its keys in sorted order.
struct JSONText {
    private var bytes: [UInt8] = []
    private static let hex = Array("0123456789abcdef".utf8)

    init() { bytes.reserveCapacity(4096) }

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
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ k: StaticString, _ value: Bool) {
        key(k)
        value ? raw("true") : raw("false")
    }

    mutating func money(_ k: StaticString, _ value: Money?) { string(k, value?.decimalString) }

    mutating func date(_ k: StaticString, _ value: CalendarDate) { string(k, value.iso) }

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

    // MARK: The explanation types

    mutating func explanation(_ e: MatchExplanation) throws {
        try object(nil) { o in
            o.array("checks", e.checks) { o, c in
                o.object(nil) { o in
                    o.string("detail", c.detail)
                    o.string("id", c.id)
                    o.bool("passed", c.passed)
                }
            }
            try o.array("components", e.components) { o, c in
                try o.object(nil) { o in
                    try o.number("contribution", c.contribution)
                    o.string("detail", c.detail)
                    o.string("id", c.id)
                    try o.number("value", c.value)
                    try o.number("weight", c.weight)
                }
            }
            if let cost = e.cost { try o.judgement(cost) }
            o.date("date", e.date)
            o.bool("overLimitWithinTolerance", e.overLimitWithinTolerance)
            try o.number("priority", e.priority)
            o.string("rulesVersion", e.rulesVersion)
            try o.number("score", e.score)
            try o.array("trips", e.trips) { o, t in
                try o.object(nil) { o in
                    o.string("anchor", t.anchor)
                    o.number("daysPerWeek", t.daysPerWeek)
                    try o.object("estimate") { o in
                        try o.number("distanceKilometres", t.estimate.distanceKilometres)
                        o.bool("estimated", t.estimate.estimated)
                        o.string("method", t.estimate.method)
                        try o.number("minutes", t.estimate.minutes)
                        o.string("mode", t.estimate.mode.rawValue)
                    }
                    o.string("kind", t.kind.rawValue)
                    try o.number("score", t.score)
                }
            }
            try o.number("urgency", e.urgency)
            o.string("urgencyDetail", e.urgencyDetail)
            o.string("weightsVersion", e.weightsVersion)
        }
    }

    /// The `cost` member.
    mutating func judgement(_ c: CostJudgement) throws {
        try object("cost") { o in
            if let cap = c.combinedCap {
                o.object("combinedCap") { o in
                    o.money("cap", cap.cap)
                    o.money("cost", cap.cost)
                    o.money("headroom", cap.headroom)
                }
            }
            o.date("date", c.date)
            o.money("grossColdRent", c.grossColdRent)
            o.money("headroom", c.headroom)
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
            o.money("limit", c.limit)
            try o.number("livingArea", c.livingArea)
            o.string("municipality", c.municipality.rawValue)
            o.string("municipalityName", c.municipalityName)
            o.money("netColdRent", c.netColdRent)
            o.array("notes", c.notes) { o, n in o.string(n) }
            o.money("operatingCosts", c.operatingCosts)
            if let region = c.region {
                o.object("region") { o in
                    o.string("id", region.id)
                    o.string("name", region.name)
                }
            }
            if let row = c.row {
                o.object("row") { o in
                    o.number("appropriateArea", row.appropriateArea)
                    o.number("householdSize", row.householdSize)
                    o.bool("largerHouseholdRule", row.largerHouseholdRule)
                    o.number("tableRow", row.tableRow)
                }
            }
            if let table = c.table {
                o.object("table") { o in
                    o.string("file", table.file)
                    o.string("source", table.source)
                    o.date("validFrom", table.validFrom)
                }
            }
            o.string("verdict", c.verdict.rawValue)
        }
    }
}
