import Foundation

/// Where an XML event happened: 1-based line and column.
struct XMLPoint: Equatable {
    var line: Int
    var column: Int
}

/// What the sink does with the character data of the current element.
enum XMLTextMode {
    /// Not read; only its references are checked (when it has any).
    case skip
    /// Not read, but checked like delivered text (references and UTF-8).
    case check
    /// Checked and handed to `characters`.
    case deliver
}

/// Receives the events of an XML document, from `FastXMLReader` or from XMLParser through an adapter.
///
/// Names and text arrive as UTF-8 bytes that are only valid during the call, so a sink turns into
/// Strings only what it keeps.
protocol XMLEventSink {
    /// What to do with the character data of the current element.
    var textMode: XMLTextMode { get }
    /// Returns false to stop reading.
    mutating func startElement<Attributes: XMLAttributes>(_ name: UnsafeBufferPointer<UInt8>, at point: XMLPoint, attributes: Attributes) -> Bool
    /// Character data of the current element, references replaced; may come in several pieces.
    mutating func characters(_ text: UnsafeBufferPointer<UInt8>)
    /// The current element ended (the reader checked its name). Returns false to stop reading.
    mutating func endElement(at point: XMLPoint) -> Bool
}

/// The attributes of a start tag, decoded when asked for.
protocol XMLAttributes {
    /// The value of the attribute named `name`.
    subscript(_ name: String) -> String? { get }
    /// All of them, by name.
    var all: [String: String] { get }
}

extension Dictionary: XMLAttributes where Key == String, Value == String {
    var all: [String: String] { self }
}

/// A well-formedness problem found by `FastXMLReader`.
struct FastXMLError: Error, Equatable {
    var line: Int
    var column: Int
    var reason: String
}

/// The document uses something `FastXMLReader` leaves to XMLParser (a non-UTF-8 encoding, a
/// DOCTYPE); thrown before any event was sent, so the caller can start over with XMLParser.
struct FastXMLUnsupported: Error, Equatable {
    var reason: String
}

/// A small streaming XML reader for UTF-8 feeds, written because FoundationXML's XMLParser on
/// Linux tops out well below the importer's 60 MB/s goal (see the benchmark).
///
/// It reads the file in 1 MiB chunks (memory stays flat) and checks what a truncated or broken
/// feed gets wrong: tag nesting and balance, one root element, attribute syntax and quoting,
/// entity references (`&lt; &gt; &amp; &quot; &apos; &#…;`), unterminated comments, CDATA and
/// processing instructions, text outside the root, and UTF-8 validity of names, attribute values
/// and the text the sink reads or checks. It does not process DTDs or other encodings: those throw
/// `FastXMLUnsupported` so the caller falls back to XMLParser. Columns count bytes, not characters.
///
/// Speed: names, attribute values and text stay bytes in the read buffer; nothing becomes a String
/// unless the sink asks (attributes) or keeps it (text). The reader is a struct and the sink is
/// passed `inout`, so the per-byte loops pay no dynamic exclusivity checks.
struct FastXMLReader {
    private let handle: FileHandle
    /// Absolute file offset of the buffer's first byte.
    private var base = 0
    private var atEOF = false
    private var line = 1
    /// Absolute offset of the first byte of the current line.
    private var lineStart = 0
    /// Absolute offset of the current event, for `columnNumber`.
    private var eventOffset = 0
    /// The names of the open elements, one after the other; `nameEnds` marks where each ends.
    private var openNames: [UInt8] = []
    private var nameEnds: [Int] = []
    private var sawRoot = false
    private var sentEvent = false
    /// The attributes of the start tag being read, as offsets into the buffer.
    private var attributeSpans: [(name: Range<Int>, value: Range<Int>)] = []
    /// Text with its references replaced.
    private var decoded: [UInt8] = []
    static let chunkSize = 1 << 20

    init(handle: FileHandle) { self.handle = handle }

    var lineNumber: Int { line }
    var columnNumber: Int { eventOffset - lineStart + 1 }

    /// Reads the whole document into `sink`. Returns when the document ended or the sink stopped.
    mutating func read<Sink: XMLEventSink>(into sink: inout Sink) throws {
        var buffer: [UInt8] = []
        var pos = 0
        try fill(&buffer, keepingFrom: &pos)
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) {
            pos = 3
        } else if buffer.starts(with: [0xFF, 0xFE]) || buffer.starts(with: [0xFE, 0xFF]) {
            throw FastXMLUnsupported(reason: "UTF-16 document")
        }
        while true {
            if pos >= buffer.count {
                if atEOF { break }
                try fill(&buffer, keepingFrom: &pos)
                continue
            }
            // Scan as many tokens as the buffer holds in one borrow of it.
            let step = try buffer.withUnsafeBufferPointer { bytes -> Step in
                var at = pos
                while at < bytes.count {
                    switch try scan(bytes, from: at, sink: &sink) {
                    case .advanced(let next): at = next
                    case .needMore:
                        pos = at
                        return .needMore
                    case .stop: return .stop
                    }
                }
                return .advanced(at)
            }
            switch step {
            case .advanced(let next): pos = next
            case .needMore:
                if atEOF { throw buffer.withUnsafeBufferPointer { truncated($0, at: $0.count) } }
                try fill(&buffer, keepingFrom: &pos)
            case .stop: return
            }
        }
        if !nameEnds.isEmpty { throw buffer.withUnsafeBufferPointer { truncated($0, at: $0.count) } }
        if !sawRoot { throw buffer.withUnsafeBufferPointer { error($0, at: $0.count, "no XML element found") } }
    }

    private enum Step { case advanced(Int), needMore, stop }

    fileprivate static let lt: UInt8 = 60, gt: UInt8 = 62, amp: UInt8 = 38, slash: UInt8 = 47, newline: UInt8 = 10
    private static let question: UInt8 = 63, bang: UInt8 = 33, equals: UInt8 = 61, dquote: UInt8 = 34, squote: UInt8 = 39

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 10 || b == 9 || b == 13 }

    /// Scans one token starting at `pos`.
    private mutating func scan<Sink: XMLEventSink>(_ bytes: UnsafeBufferPointer<UInt8>, from pos: Int, sink: inout Sink) throws -> Step {
        let count = bytes.count
        if bytes[pos] != Self.lt {
            // Character data up to the next '<', noting newlines, references and non-ASCII bytes on the way.
            var end = pos
            var newlines = 0
            var lastNewline = 0
            var special = false
            while end < count {
                let byte = bytes[end]
                if byte <= Self.lt {
                    if byte == Self.lt { break }
                    if byte == Self.newline {
                        newlines += 1
                        lastNewline = end
                    } else if byte == Self.amp {
                        special = true
                    }
                } else if byte >= 0x80 {
                    special = true
                }
                end += 1
            }
            if end == count && !atEOF { return .needMore }
            let run = UnsafeBufferPointer(rebasing: bytes[pos..<end])
            if nameEnds.isEmpty {
                if let bad = run.firstIndex(where: { !Self.isSpace($0) }) {
                    throw error(bytes, at: pos + bad, sawRoot ? "text after the root element" : "text before the root element")
                }
            } else {
                switch sink.textMode {
                case .deliver:
                    eventOffset = base + pos
                    if special {
                        try withCheckedText(bytes, run, at: pos) { sink.characters($0) }
                    } else {
                        sink.characters(run)
                    }
                    sentEvent = true
                case .check:
                    if special { try withCheckedText(bytes, run, at: pos) { _ in } }
                case .skip:
                    if special && run.contains(Self.amp) { try withCheckedText(bytes, run, at: pos) { _ in } }
                }
            }
            if newlines > 0 {
                line += newlines
                lineStart = base + lastNewline + 1
            }
            return .advanced(end)
        }
        guard pos + 1 < count else { return .needMore }
        switch bytes[pos + 1] {
        case Self.question:
            guard let end = find([Self.question, Self.gt], in: bytes, from: pos + 2) else { return .needMore }
            let body = UnsafeBufferPointer(rebasing: bytes[(pos + 2)..<end])
            if base + pos <= 3, body.starts(with: Array("xml".utf8)) { try checkDeclaration(body) }
            countLines(bytes, pos..<(end + 2))
            return .advanced(end + 2)
        case Self.bang:
            if Self.matches(bytes, at: pos, "<!--") {
                guard let end = find(Array("-->".utf8), in: bytes, from: pos + 4) else { return .needMore }
                countLines(bytes, pos..<(end + 3))
                return .advanced(end + 3)
            }
            if Self.matches(bytes, at: pos, "<![CDATA[") {
                guard let end = find(Array("]]>".utf8), in: bytes, from: pos + 9) else { return .needMore }
                guard !nameEnds.isEmpty else { throw error(bytes, at: pos, "CDATA outside the root element") }
                let run = UnsafeBufferPointer(rebasing: bytes[(pos + 9)..<end])
                let mode = sink.textMode
                if mode != .skip {
                    eventOffset = base + pos
                    try checkUTF8(bytes, run, at: pos + 9)
                    if mode == .deliver {
                        sink.characters(run)
                        sentEvent = true
                    }
                }
                countLines(bytes, pos..<(end + 3))
                return .advanced(end + 3)
            }
            if pos + 9 > count && !atEOF { return .needMore }
            if Self.matches(bytes, at: pos, "<!DOCTYPE") {
                if sentEvent || sawRoot { throw error(bytes, at: pos, "DOCTYPE inside the document") }
                throw FastXMLUnsupported(reason: "DOCTYPE")
            }
            throw error(bytes, at: pos, "'<!' starts neither a comment, CDATA nor DOCTYPE")
        case Self.slash:
            guard let end = findByte(Self.gt, in: bytes, from: pos + 2) else { return .needMore }
            var nameEnd = end
            while nameEnd > pos + 2 && Self.isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
            let name = (pos + 2)..<nameEnd
            let isOpen = innermostNameStart.map { openStart in
                openNames.withUnsafeBufferPointer { open in
                    Self.same(UnsafeBufferPointer(rebasing: open[openStart...]), UnsafeBufferPointer(rebasing: bytes[name]))
                }
            } ?? false
            // The name of the element it closes was checked when it opened.
            if !isOpen { try checkName(bytes, name) }
            countLines(bytes, pos..<(end + 1))
            eventOffset = base + end + 1
            guard let openStart = innermostNameStart else {
                throw error(bytes, at: pos, "</\(Self.text(bytes, name))> closes an element that was never opened")
            }
            guard isOpen else {
                let open = String(decoding: openNames[openStart...], as: UTF8.self)
                throw error(bytes, at: pos, "expected </\(open)>, found </\(Self.text(bytes, name))>")
            }
            nameEnds.removeLast()
            openNames.removeLast(openNames.count - openStart)
            sentEvent = true
            return sink.endElement(at: XMLPoint(line: line, column: columnNumber)) ? .advanced(end + 1) : .stop
        default:
            return try startTag(bytes, from: pos, sink: &sink)
        }
    }

    private mutating func startTag<Sink: XMLEventSink>(_ bytes: UnsafeBufferPointer<UInt8>, from pos: Int, sink: inout Sink) throws -> Step {
        let count = bytes.count
        var i = pos + 1
        var bits: UInt8 = 0
        while i < count {
            let byte = bytes[i]
            if Self.isSpace(byte) || byte == Self.gt || byte == Self.slash { break }
            bits |= byte
            i += 1
        }
        guard i < count else { return .needMore }
        let name = (pos + 1)..<i
        try checkName(bytes, name, ascii: bits < 0x80)
        if !attributeSpans.isEmpty { attributeSpans.removeAll(keepingCapacity: true) }
        var selfClosing = false
        while true {
            while i < count && Self.isSpace(bytes[i]) { i += 1 }
            guard i < count else { return .needMore }
            if bytes[i] == Self.gt {
                i += 1
                break
            }
            if bytes[i] == Self.slash {
                guard i + 1 < count else { return .needMore }
                guard bytes[i + 1] == Self.gt else { throw error(bytes, at: i, "'/' in <\(Self.text(bytes, name))> must be followed by '>'") }
                i += 2
                selfClosing = true
                break
            }
            let nameStart = i
            bits = 0
            while i < count, !Self.isSpace(bytes[i]), bytes[i] != Self.equals, bytes[i] != Self.gt, bytes[i] != Self.slash {
                bits |= bytes[i]
                i += 1
            }
            guard i < count else { return .needMore }
            let attribute = nameStart..<i
            try checkName(bytes, attribute, ascii: bits < 0x80)
            while i < count && Self.isSpace(bytes[i]) { i += 1 }
            guard i < count else { return .needMore }
            guard bytes[i] == Self.equals else {
                throw error(bytes, at: i, "attribute \(Self.text(bytes, attribute)) of <\(Self.text(bytes, name))> has no '=\"value\"'")
            }
            i += 1
            while i < count && Self.isSpace(bytes[i]) { i += 1 }
            guard i < count else { return .needMore }
            let quote = bytes[i]
            guard quote == Self.dquote || quote == Self.squote else {
                throw error(bytes, at: i, "the value of attribute \(Self.text(bytes, attribute)) of <\(Self.text(bytes, name))> must be in quotes")
            }
            guard let close = findByte(quote, in: bytes, from: i + 1) else { return .needMore }
            let value = (i + 1)..<close
            let valueBytes = UnsafeBufferPointer(rebasing: bytes[value])
            if valueBytes.contains(Self.lt) { throw error(bytes, at: i + 1, "'<' in the value of attribute \(Self.text(bytes, attribute))") }
            for other in attributeSpans where Self.equal(bytes, other.name, attribute) {
                throw error(bytes, at: nameStart, "attribute \(Self.text(bytes, attribute)) appears twice in <\(Self.text(bytes, name))>")
            }
            try withCheckedText(bytes, valueBytes, at: i + 1) { _ in }
            attributeSpans.append((attribute, value))
            i = close + 1
            guard i < count else { return .needMore }
            guard Self.isSpace(bytes[i]) || bytes[i] == Self.gt || bytes[i] == Self.slash else {
                throw error(bytes, at: i, "attributes of <\(Self.text(bytes, name))> must be separated by a space")
            }
        }
        if nameEnds.isEmpty {
            if sawRoot { throw error(bytes, at: pos, "a second root element <\(Self.text(bytes, name))>") }
            sawRoot = true
        }
        countLines(bytes, pos..<i)
        eventOffset = base + i
        openNames.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[name]))
        nameEnds.append(openNames.count)
        sentEvent = true
        let point = XMLPoint(line: line, column: columnNumber)
        let attributes = BufferAttributes(bytes: bytes, spans: attributeSpans)
        guard sink.startElement(UnsafeBufferPointer(rebasing: bytes[name]), at: point, attributes: attributes) else { return .stop }
        if selfClosing {
            nameEnds.removeLast()
            openNames.removeLast(openNames.count - (nameEnds.last ?? 0))
            guard sink.endElement(at: point) else { return .stop }
        }
        return .advanced(i)
    }

    // MARK: - helpers

    /// The attributes of the tag just read, as offsets into the buffer (checked while the tag was read).
    private struct BufferAttributes: XMLAttributes {
        let bytes: UnsafeBufferPointer<UInt8>
        let spans: [(name: Range<Int>, value: Range<Int>)]

        /// Found by comparing bytes: the names asked for are ASCII, for which that is String equality.
        subscript(_ name: String) -> String? {
            var key = name
            return key.withUTF8 { key in
                for span in spans where FastXMLReader.same(UnsafeBufferPointer(rebasing: bytes[span.name]), key) {
                    return value(span.value)
                }
                return nil
            }
        }

        var all: [String: String] {
            var result: [String: String] = [:]
            for span in spans { result[FastXMLReader.text(bytes, span.name)] = value(span.value) }
            return result
        }

        private func value(_ range: Range<Int>) -> String {
            let value = UnsafeBufferPointer(rebasing: bytes[range])
            var scratch: [UInt8] = []
            if value.contains(FastXMLReader.amp), FastXMLReader.replaceReferences(value, into: &scratch) == nil {
                return String(decoding: scratch, as: UTF8.self)
            }
            return String(decoding: value, as: UTF8.self)
        }
    }

    fileprivate static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        same(UnsafeBufferPointer(rebasing: bytes[a]), UnsafeBufferPointer(rebasing: bytes[b]))
    }

    /// Byte equality, written out: names are short, and a call to memcmp cost more than the compare.
    @inline(__always) static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var i = 0
        while i < a.count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// Where the innermost open element's name starts in `openNames`; nil outside the root.
    private var innermostNameStart: Int? {
        if nameEnds.isEmpty { return nil }
        return nameEnds.count > 1 ? nameEnds[nameEnds.count - 2] : 0
    }

    private func checkDeclaration(_ body: UnsafeBufferPointer<UInt8>) throws {
        let text = String(decoding: body, as: UTF8.self).lowercased()
        guard let range = text.range(of: "encoding") else { return }
        let rest = text[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
        let encoding = rest.prefix { $0 != "\"" && $0 != "'" && $0 != " " }
        if !["utf-8", "utf8", "us-ascii", "ascii"].contains(String(encoding)) {
            throw FastXMLUnsupported(reason: "encoding \(encoding)")
        }
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at pos: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard pos + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { lit in
            for k in 0..<count where bytes[pos + k] != lit[k] { return false }
            return true
        }
    }

    private func findByte(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        while i < bytes.count {
            if bytes[i] == byte { return i }
            i += 1
        }
        return nil
    }

    private func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let first = needle.first else { return start }
        var i = start
        while i + needle.count <= bytes.count {
            if bytes[i] == first {
                var k = 1
                while k < needle.count && bytes[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Counts the newlines of a token (tags seldom have any: memchr finds that fastest).
    private mutating func countLines(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        guard let start = bytes.baseAddress else { return }
        var from = range.lowerBound
        while from < range.upperBound, let hit = memchr(start + from, Int32(Self.newline), range.upperBound - from) {
            let k = UnsafeRawPointer(start).distance(to: UnsafeRawPointer(hit))
            line += 1
            lineStart = base + k + 1
            from = k + 1
        }
    }

    /// An element or attribute name must start like an XML name and be UTF-8 (`ascii`: the caller
    /// saw no byte above 0x7F).
    private func checkName(_ bytes: UnsafeBufferPointer<UInt8>, _ name: Range<Int>, ascii: Bool = false) throws {
        guard !name.isEmpty else { throw error(bytes, at: name.lowerBound, "a tag without a name") }
        let first = bytes[name.lowerBound]
        let startOK = (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first == 95 || first == 58 || first >= 0x80
        guard startOK else { throw error(bytes, at: name.lowerBound, "'\(Self.text(bytes, name))' is not an XML name") }
        if !ascii { try checkUTF8(bytes, UnsafeBufferPointer(rebasing: bytes[name]), at: name.lowerBound) }
    }

    /// Fails on bytes that are not UTF-8. (`String(validating:as:)` is not specialised for buffer
    /// pointers and took a quarter of the parse time.)
    private func checkUTF8(_ bytes: UnsafeBufferPointer<UInt8>, _ run: UnsafeBufferPointer<UInt8>, at pos: Int) throws {
        guard !Self.isValidUTF8(run) else { return }
        throw error(bytes, at: pos, "the text is not valid UTF-8 (an ISO-8859-1 feed without an encoding declaration?)")
    }

    private static func isValidUTF8(_ run: UnsafeBufferPointer<UInt8>) -> Bool {
        var ascii = true
        for byte in run where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii { return true }
        // Decoding replaces invalid bytes with U+FFFD; a U+FFFD that is not in the input means invalid UTF-8.
        let text = String(decoding: run, as: UTF8.self)
        return !text.unicodeScalars.contains("\u{FFFD}") || findSequence([0xEF, 0xBF, 0xBD], in: run)
    }

    private static func findSequence(_ needle: [UInt8], in run: UnsafeBufferPointer<UInt8>) -> Bool {
        guard run.count >= needle.count else { return false }
        for i in 0...(run.count - needle.count) where run[i] == needle[0] && run[i + 1] == needle[1] && run[i + 2] == needle[2] {
            return true
        }
        return false
    }

    /// Checks `run` (its references, then the UTF-8 of the result) and hands the text with references
    /// replaced to `body`.
    private mutating func withCheckedText(
        _ bytes: UnsafeBufferPointer<UInt8>, _ run: UnsafeBufferPointer<UInt8>, at pos: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws {
        guard run.contains(Self.amp) else {
            try checkUTF8(bytes, run, at: pos)
            body(run)
            return
        }
        if let (offset, reason) = Self.replaceReferences(run, into: &decoded) { throw error(bytes, at: pos + offset, reason) }
        try decoded.withUnsafeBufferPointer { text in
            try checkUTF8(bytes, text, at: pos)
            body(text)
        }
    }

    /// Writes `run` with `&…;` references replaced into `out`; on a bad reference returns its offset
    /// in `run` and the reason.
    fileprivate static func replaceReferences(_ run: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> (Int, String)? {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(run.count)
        var i = 0
        while i < run.count {
            let byte = run[i]
            guard byte == Self.amp else {
                out.append(byte)
                i += 1
                continue
            }
            guard let semicolon = run[i...].firstIndex(of: 59), semicolon - i <= 12 else {
                return (i, "'&' must start an entity like &amp;")
            }
            let name = String(decoding: UnsafeBufferPointer(rebasing: run[(i + 1)..<semicolon]), as: UTF8.self)
            switch name {
            case "lt": out.append(60)
            case "gt": out.append(62)
            case "amp": out.append(38)
            case "quot": out.append(34)
            case "apos": out.append(39)
            default:
                var scalar: Unicode.Scalar?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if name.hasPrefix("#") {
                    scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
                }
                guard let scalar else { return (i, "unknown entity &\(name);") }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            i = semicolon + 1
        }
        return nil
    }

    private mutating func fill(_ buffer: inout [UInt8], keepingFrom pos: inout Int) throws {
        if pos > 0 {
            buffer.removeSubrange(0..<min(pos, buffer.count))
            base += pos
            pos = 0
        }
        let chunk: Data?
        do {
            chunk = try handle.read(upToCount: Self.chunkSize)
        } catch {
            throw FastXMLError(line: line, column: 1, reason: "reading the file failed: \(error.localizedDescription)")
        }
        if let chunk, !chunk.isEmpty {
            buffer.append(contentsOf: chunk)
        } else {
            atEOF = true
        }
    }

    private func error(_ bytes: UnsafeBufferPointer<UInt8>, at pos: Int, _ reason: String) -> FastXMLError {
        // Lines are counted up to the token start; add those inside the token up to `pos`.
        var errorLine = line
        var errorLineStart = lineStart
        let absolute = base + pos
        var offset = max(lineStart, base) - base
        while offset < pos && offset < bytes.count {
            if bytes[offset] == Self.newline {
                errorLine += 1
                errorLineStart = base + offset + 1
            }
            offset += 1
        }
        return FastXMLError(line: errorLine, column: absolute - errorLineStart + 1, reason: reason)
    }

    private func truncated(_ bytes: UnsafeBufferPointer<UInt8>, at pos: Int) -> FastXMLError {
        let open = innermostNameStart.map { "the file ends inside <\(String(decoding: openNames[$0...], as: UTF8.self))> (truncated download?)" }
            ?? "the file ends inside a tag or comment (truncated download?)"
        return error(bytes, at: pos, open)
    }
}
