import Foundation
import HousingDomain
import Testing

@testable import ListingImport

enum Fixture {
    /// A file under `Fixtures/` (copied into the test bundle).
    static func url(_ name: String) throws -> URL {
        let directory = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return directory.appendingPathComponent(name)
    }

    /// `Imports/` of the package, found from this source file.
    static var importsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Imports")
    }
}

/// A fresh temporary directory, removed by the caller with `cleanUp()`.
struct TempDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("listing-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func file(_ name: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file
    }
    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

extension Array where Element == FeedRecord {
    var drafts: [ListingDraft] {
        compactMap { if case .upsert(let draft) = $0 { return draft } else { return nil } }
    }
    var deletedIDs: [String] {
        compactMap { if case .delete(let identity) = $0 { return identity.externalID } else { return nil } }
    }
    func draft(_ id: String) -> ListingDraft? { drafts.first { $0.externalID == id } }
}
