import Foundation

/// Something that knows where the XML reader is (XMLParser and `FastXMLReader` both do).
protocol XMLLocator: AnyObject {
    var lineNumber: Int { get }
    var columnNumber: Int { get }
}

/// Receives the events of an XML document.
protocol XMLEventSink: AnyObject {
    /// Whether character data is wanted now (saves decoding text nobody reads).
    var wantsText: Bool { get }
    /// Returns false to stop reading.
    func startElement(_ name: String, attributes: [String: String]) -> Bool
    func characters(_ text: String)
    /// Returns false to stop reading.
    func endElement(_ name: String) -> Bool
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
/// processing instructions, text outside the root, and UTF-8 validity of the text it decodes.
/// It does not process DTDs or other encodings: those throw `FastXMLUnsupported` so the caller
/// falls back to XMLParser. Columns count bytes, not characters.
final class FastXMLReader: XMLLocator {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// Absolute file offset of `buffer[0]`.
    private var base = 0
    private var atEOF = false
    private var line = 1
    /// Absolute offset of the first byte of the current line.
    private var lineStart = 0
    /// Absolute offset of the current event, for `columnNumber`.
    private var eventOffset = 0
    private var stack: [String] = []
    private var sawRoot = false
    private var sentEvent = false
    static let chunkSize = 1 << 20

    init(handle: FileHandle) { self.handle = handle }

    var lineNumber: Int { line }
    var columnNumber: Int { eventOffset - lineStart + 1 }

    /// Reads the whole document into `sink`. Returns when the document ended or the sink stopped.
    func read<Sink: XMLEventSink>(into sink: Sink) throws {
        var pos = 0
        try fill(keepingFrom: &pos)
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) {
            pos = 3
        } else if buffer.starts(with: [0xFF, 0xFE]) || buffer.starts(with: [0xFE, 0xFF]) {
            throw FastXMLUnsupported(reason: "UTF-16 document")
        }
        while true {
            if pos >= buffer.count {
                if atEOF { break }
                try fill(keepingFrom: &pos)
                continue
            }
            // Scan as many tokens as the buffer holds in one borrow of it.
            let step = try buffer.withUnsafeBufferPointer { bytes -> Step in
                var at = pos
                while at < bytes.count {
                    switch try scan(bytes, from: at, sink: sink) {
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
                if atEOF { throw truncated(at: buffer.count) }
                try fill(keepingFrom: &pos)
            case .stop: return
            }
        }
        if !stack.isEmpty { throw truncated(at: buffer.count) }
        if !sawRoot { throw error(at: buffer.count, "no XML element found") }
    }

    private enum Step { case advanced(Int), needMore, stop }

    private static let lt: UInt8 = 60, gt: UInt8 = 62, amp: UInt8 = 38, slash: UInt8 = 47, newline: UInt8 = 10
    private static let question: UInt8 = 63, bang: UInt8 = 33, equals: UInt8 = 61, dquote: UInt8 = 34, squote: UInt8 = 39

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 10 || b == 9 || b == 13 }

    /// Scans one token starting at `pos`.
    private func scan<Sink: XMLEventSink>(_ bytes: UnsafeBufferPointer<UInt8>, from pos: Int, sink: Sink) throws -> Step {
        let count = bytes.count
        if bytes[pos] != Self.lt {
            // Character data up to the next '<'.
            var end = pos
            while end < count && bytes[end] != Self.lt { end += 1 }
            if end == count && !atEOF { return .needMore }
            let run = UnsafeBufferPointer(rebasing: bytes[pos..<end])
            if stack.isEmpty {
                if let bad = run.firstIndex(where: { !Self.isSpace($0) }) {
                    throw error(at: pos + bad, sawRoot ? "text after the root element" : "text before the root element")
                }
            } else if sink.wantsText {
                eventOffset = base + pos
                sink.characters(try decodeText(run, at: pos))
                sentEvent = true
            } else if run.contains(Self.amp) {
                _ = try decodeText(run, at: pos)  // still check the entity references
            }
            countLines(run, startingAt: pos)
            return .advanced(end)
        }
        guard pos + 1 < count else { return .needMore }
        switch bytes[pos + 1] {
        case Self.question:
            guard let end = find([Self.question, Self.gt], in: bytes, from: pos + 2) else { return .needMore }
            let body = UnsafeBufferPointer(rebasing: bytes[(pos + 2)..<end])
            if base + pos <= 3, body.starts(with: Array("xml".utf8)) { try checkDeclaration(body) }
            countLines(UnsafeBufferPointer(rebasing: bytes[pos..<(end + 2)]), startingAt: pos)
            return .advanced(end + 2)
        case Self.bang:
            if Self.matches(bytes, at: pos, "<!--") {
                guard let end = find(Array("-->".utf8), in: bytes, from: pos + 4) else { return .needMore }
                countLines(UnsafeBufferPointer(rebasing: bytes[pos..<(end + 3)]), startingAt: pos)
                return .advanced(end + 3)
            }
            if Self.matches(bytes, at: pos, "<![CDATA[") {
                guard let end = find(Array("]]>".utf8), in: bytes, from: pos + 9) else { return .needMore }
                guard !stack.isEmpty else { throw error(at: pos, "CDATA outside the root element") }
                let run = UnsafeBufferPointer(rebasing: bytes[(pos + 9)..<end])
                if sink.wantsText {
                    eventOffset = base + pos
                    sink.characters(try utf8(run, at: pos + 9))
                    sentEvent = true
                }
                countLines(UnsafeBufferPointer(rebasing: bytes[pos..<(end + 3)]), startingAt: pos)
                return .advanced(end + 3)
            }
            if pos + 9 > count && !atEOF { return .needMore }
            if Self.matches(bytes, at: pos, "<!DOCTYPE") {
                if sentEvent || sawRoot { throw error(at: pos, "DOCTYPE inside the document") }
                throw FastXMLUnsupported(reason: "DOCTYPE")
            }
            throw error(at: pos, "'<!' starts neither a comment, CDATA nor DOCTYPE")
        case Self.slash:
            guard let end = findByte(Self.gt, in: bytes, from: pos + 2) else { return .needMore }
            var nameEnd = end
            while nameEnd > pos + 2 && Self.isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
            let name = try elementName(UnsafeBufferPointer(rebasing: bytes[(pos + 2)..<nameEnd]), at: pos + 2)
            countLines(UnsafeBufferPointer(rebasing: bytes[pos..<(end + 1)]), startingAt: pos)
            eventOffset = base + end + 1
            guard let open = stack.last else { throw error(at: pos, "</\(name)> closes an element that was never opened") }
            guard open == name else { throw error(at: pos, "expected </\(open)>, found </\(name)>") }
            stack.removeLast()
            sentEvent = true
            return sink.endElement(name) ? .advanced(end + 1) : .stop
        default:
            return try startTag(bytes, from: pos, sink: sink)
        }
    }

    private func startTag<Sink: XMLEventSink>(_ bytes: UnsafeBufferPointer<UInt8>, from pos: Int, sink: Sink) throws -> Step {
        let count = bytes.count
        var i = pos + 1
        while i < count, !Self.isSpace(bytes[i]), bytes[i] != Self.gt, bytes[i] != Self.slash { i += 1 }
        guard i < count else { return .needMore }
        let name = try elementName(UnsafeBufferPointer(rebasing: bytes[(pos + 1)..<i]), at: pos + 1)
        var attributes: [String: String] = [:]
        while true {
            while i < count && Self.isSpace(bytes[i]) { i += 1 }
            guard i < count else { return .needMore }
            if bytes[i] == Self.gt { i += 1; break }
            if bytes[i] == Self.slash {
                guard i + 1 < count else { return .needMore }
                guard bytes[i + 1] == Self.gt else { throw error(at: i, "'/' in <\(name)> must be followed by '>'") }
                i += 2
                return try openElement(name, attributes, bytes, tagStart: pos, tagEnd: i, selfClosing: true, sink: sink)
            }
            let nameStart = i
            while i < count, !Self.isSpace(bytes[i]), bytes[i] != Self.equals, bytes[i] != Self.gt, bytes[i] != Self.slash { i += 1 }
            guard i < count else { return .needMore }
            let attribute = try elementName(UnsafeBufferPointer(rebasing: bytes[nameStart..<i]), at: nameStart)
            while i < count && Self.isSpace(bytes[i]) { i += 1 }
            guard i < count else { return .needMore }
            guard bytes[i] == Self.equals else { throw error(at: i, "attribute \(attribute) of <\(name)> has no '=\"value\"'") }
            i += 1
            while i < count && Self.isSpace(bytes[i]) { i += 1 }
            guard i < count else { return .needMore }
            let quote = bytes[i]
            guard quote == Self.dquote || quote == Self.squote else {
                throw error(at: i, "the value of attribute \(attribute) of <\(name)> must be in quotes")
            }
            guard let close = findByte(quote, in: bytes, from: i + 1) else { return .needMore }
            let value = UnsafeBufferPointer(rebasing: bytes[(i + 1)..<close])
            if value.contains(Self.lt) { throw error(at: i + 1, "'<' in the value of attribute \(attribute)") }
            if attributes[attribute] != nil { throw error(at: nameStart, "attribute \(attribute) appears twice in <\(name)>") }
            attributes[attribute] = try decodeText(value, at: i + 1)
            i = close + 1
            guard i < count else { return .needMore }
            guard Self.isSpace(bytes[i]) || bytes[i] == Self.gt || bytes[i] == Self.slash else {
                throw error(at: i, "attributes of <\(name)> must be separated by a space")
            }
        }
        return try openElement(name, attributes, bytes, tagStart: pos, tagEnd: i, selfClosing: false, sink: sink)
    }

    private func openElement<Sink: XMLEventSink>(
        _ name: String, _ attributes: [String: String], _ bytes: UnsafeBufferPointer<UInt8>, tagStart: Int, tagEnd: Int,
        selfClosing: Bool, sink: Sink
    ) throws -> Step {
        if stack.isEmpty {
            if sawRoot { throw error(at: tagStart, "a second root element <\(name)>") }
            sawRoot = true
        }
        countLines(UnsafeBufferPointer(rebasing: bytes[tagStart..<tagEnd]), startingAt: tagStart)
        eventOffset = base + tagEnd
        stack.append(name)
        sentEvent = true
        guard sink.startElement(name, attributes: attributes) else { return .stop }
        if selfClosing {
            stack.removeLast()
            guard sink.endElement(name) else { return .stop }
        }
        return .advanced(tagEnd)
    }

    // MARK: - helpers

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

    private func countLines(_ run: UnsafeBufferPointer<UInt8>, startingAt pos: Int) {
        for (k, byte) in run.enumerated() where byte == Self.newline {
            line += 1
            lineStart = base + pos + k + 1
        }
    }

    private func elementName(_ run: UnsafeBufferPointer<UInt8>, at pos: Int) throws -> String {
        guard let first = run.first else { throw error(at: pos, "a tag without a name") }
        let startOK = (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first == 95 || first == 58 || first >= 0x80
        guard startOK else { throw error(at: pos, "'\(String(decoding: run, as: UTF8.self))' is not an XML name") }
        return try utf8(run, at: pos)
    }

    /// Decodes UTF-8, failing on invalid bytes. (`String(validating:as:)` is not specialised for
    /// buffer pointers and took a quarter of the parse time.)
    private func utf8(_ run: UnsafeBufferPointer<UInt8>, at pos: Int) throws -> String {
        let text = String(decoding: run, as: UTF8.self)
        var ascii = true
        for byte in run where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii { return text }
        // Decoding replaces invalid bytes with U+FFFD; a U+FFFD that is not in the input means invalid UTF-8.
        if text.unicodeScalars.contains("\u{FFFD}") && find([0xEF, 0xBF, 0xBD], in: run, from: 0) == nil {
            throw error(at: pos, "the text is not valid UTF-8 (an ISO-8859-1 feed without an encoding declaration?)")
        }
        return text
    }

    /// UTF-8 text with entity and character references replaced.
    private func decodeText(_ run: UnsafeBufferPointer<UInt8>, at pos: Int) throws -> String {
        guard run.contains(Self.amp) else { return try utf8(run, at: pos) }
        var out: [UInt8] = []
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
                throw error(at: pos + i, "'&' must start an entity like &amp;")
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
                guard let scalar else { throw error(at: pos + i, "unknown entity &\(name);") }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            i = semicolon + 1
        }
        return try out.withUnsafeBufferPointer { try utf8($0, at: pos) }
    }

    private func fill(keepingFrom pos: inout Int) throws {
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

    private func error(at pos: Int, _ reason: String) -> FastXMLError {
        // Lines are counted up to the token start; add those inside the token up to `pos`.
        var errorLine = line
        var errorLineStart = lineStart
        let absolute = base + pos
        var offset = max(lineStart, base) - base
        while offset < pos && offset < buffer.count {
            if buffer[offset] == Self.newline {
                errorLine += 1
                errorLineStart = base + offset + 1
            }
            offset += 1
        }
        return FastXMLError(line: errorLine, column: absolute - errorLineStart + 1, reason: reason)
    }

    private func truncated(at pos: Int) -> FastXMLError {
        let open = stack.last.map { "the file ends inside <\($0)> (truncated download?)" } ?? "the file ends inside a tag or comment (truncated download?)"
        return error(at: pos, open)
    }
}
