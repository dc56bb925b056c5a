import Foundation
import HousingDomain
import Testing

@testable import RuleBook

/// Paths and rule books shared by the RuleBook tests.
enum Support {
    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The repository's real `Rules/`.
    static let realRules = packageRoot.appendingPathComponent("Rules", isDirectory: true)

    static var fixtures: URL {
        get throws {
            try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        }
    }

    /// A temporary copy of the real `Rules/` with the files of `Fixtures/<overlay>` laid over it.
    ///
    /// Each fixture folder holds only the files that differ from the real rules (a broken table, a newer
    /// table), so the fixtures stay small and the gazetteer is not copied into every case.
    static func rules(overlay: String) throws -> URL {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("rulebook-\(UUID().uuidString)", isDirectory: true)
        let rules = root.appendingPathComponent("Rules", isDirectory: true)
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        try fm.copyItem(at: realRules, to: rules)
        let source = try fixtures.appendingPathComponent(overlay, isDirectory: true)
        guard let files = fm.enumerator(at: source, includingPropertiesForKeys: [.isRegularFileKey]) else { return rules }
        for case let file as URL in files where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let relative = String(file.standardizedFileURL.path.dropFirst(source.standardizedFileURL.path.count + 1))
            let target = rules.appendingPathComponent(relative)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            try fm.copyItem(at: file, to: target)
        }
        return rules
    }

    static func realBook() throws -> RuleBook { try RuleBook.load(directory: realRules) }

    static func date(_ iso: String) throws -> CalendarDate { try #require(CalendarDate(iso: iso)) }

    static func key(_ ags: String) throws -> MunicipalityKey { try #require(MunicipalityKey(ags)) }

    static func euros(_ text: String) throws -> Money { try #require(Money(parsing: text)) }
}
