import HousingDomain
import RuleBook

extension ExplanationFacts {
    /// The facts as stored with a suggestion: byte for byte what `JSONEncoder` writes of them (arrays
    /// in the order of `ExplanationFactsCoding.swift`, `null` for absent values, `/` escaped, numbers
    /// in Swift's shortest round-trip form without a trailing `.0`), written directly, which is many
    /// times faster; `ExplanationJSONTests` compares the two on random and fully populated facts.
    ///
    /// - Throws: `EncodingError.invalidValue` for a number that is not finite, as `JSONEncoder` does.
    public func jsonText() throws -> String {
        var out = JSONText()
        try out.facts(self)
        return out.text
    }
}

/// A JSON writer for the stored explanation types: arrays of values in a fixed order.
struct JSONText {
    private var bytes: [UInt8] = []
    private static let hex = Array("0123456789abcdef".utf8)

    init() { bytes.reserveCapacity(768) }

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
        // Whole numbers (0, 1, areas, rooms: most of them) without making a `String` of the double;
        // below 1e15 Swift writes them in full, as `JSONEncoder` then does.
        if d == d.rounded(.towardZero), abs(d) < 1e15, d != 0 || d.sign == .plus {
            bytes.append(contentsOf: String(Int64(d)).utf8)
            return
        }
        var text = d.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    // MARK: Positional values (an absent one is `null`, as `encodeNil` writes it)

    private mutating func separate() {
        if let last = bytes.last, last != UInt8(ascii: "[") { bytes.append(UInt8(ascii: ",")) }
    }

    mutating func item(_ value: String?) {
        separate()
        if let value { string(value) } else { raw("null") }
    }

    mutating func item(_ value: Int64?) {
        separate()
        if let value { bytes.append(contentsOf: String(value).utf8) } else { raw("null") }
    }

    mutating func item(_ value: Int?) { item(value.map(Int64.init)) }

    mutating func item(_ value: Bool?) {
        separate()
        switch value {
        case true?: raw("true")
        case false?: raw("false")
        case nil: raw("null")
        }
    }

    mutating func item(_ value: Double) throws {
        separate()
        try number(value)
    }

    mutating func null() {
        separate()
        raw("null")
    }

    /// `[…]`, its items written by `items`.
    mutating func list(_ items: (inout JSONText) throws -> Void) rethrows {
        separate()
        bytes.append(UInt8(ascii: "["))
        try items(&self)
        bytes.append(UInt8(ascii: "]"))
    }

    // MARK: The stored explanation types, in the order of `ExplanationFactsCoding.swift`

    mutating func facts(_ f: ExplanationFacts) throws {
        try list { o in
            o.item(f.members)
            try o.item(f.minArea)
            try o.item(f.minRooms)
            try o.item(f.appropriateArea)
            o.list { o in
                let n = f.needs
                o.item(n.stepFree)
                o.item(n.groundFloorOrLift)
                o.item(n.maxFloor)
                o.item(n.pets)
                o.item(n.wbsHeld)
                o.item(n.wbsRooms)
            }
            o.item(f.residence)
            o.item(f.permitted)
            o.item(f.excluded)
            o.item(f.hasPreferences)
            o.item(f.deadline?.iso)
            o.item(f.anchorsRecorded)
            o.item(f.anchorsLocated)
            try o.item(f.urgency)
            o.item(f.urgencyDetail)
            o.item(f.status.rawValue)
            o.item(f.duplicateOf?.rawValue)
            o.item(f.landlord)
            o.item(f.gross)
            o.item(f.limit)
            o.item(f.inCounty)
            try o.item(f.area)
            try o.item(f.rooms)
            o.item(f.wbsRequired)
            o.item(f.stepFree)
            o.item(f.floor)
            o.item(f.lift)
            o.item(f.petsAllowed)
            o.item(f.availableFrom?.iso)
            o.item(f.availableFromText)
            o.item(f.municipality?.rawValue)
            o.item(f.ageDays)
            o.item(f.passed)
            try o.list { o in for v in f.values { try o.item(v) } }
            try o.list { o in
                for t in f.trips {
                    try o.list { o in
                        o.item(t.anchor)
                        o.item(t.kind.rawValue)
                        o.item(t.days)
                        try o.item(t.minutes)
                        o.item(t.mode.rawValue)
                        try o.item(t.kilometres)
                        o.item(t.estimated)
                        o.item(t.method)
                        try o.item(t.score)
                    }
                }
            }
            if let c = f.cost { o.list { o in o.cost(c) } } else { o.null() }
        }
    }

    mutating func cost(_ c: ExplanationFacts.Cost) {
        item(c.verdict.rawValue)
        item(c.municipalityName)
        item(c.region)
        item(c.tableRow)
        item(c.largerHouseholdRule)
        item(c.limit?.cents)
        item(c.netColdRent.cents)
        item(c.operatingCosts.cents)
        list { o in
            let h = c.heating
            o.item(h.verdict.rawValue)
            o.item(h.heatingType?.rawValue)
            o.item(h.cost?.cents)
            o.item(h.thresholdPerSquareMetreYear?.cents)
            o.item(h.appropriateArea)
            o.item(h.monthlyThreshold?.cents)
            o.item(h.headroom?.cents)
            o.item(h.placeholderFigures)
            o.item(h.reason)
        }
        if let cap = c.combinedCap {
            list { o in
                o.item(cap.cap.cents)
                o.item(cap.cost.cents)
                o.item(cap.headroom.cents)
            }
        } else {
            null()
        }
        list { o in for n in c.notes { o.item(n) } }
    }
}
