// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Wohnlotse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wohnlotse", targets: ["wohnlotse"]),
        .library(name: "HousingDomain", targets: ["HousingDomain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Tests only: a real HTTP server on 127.0.0.1 for the importer's fetch tests.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        /** Plain value types of the coaching domain: households, listings, landlords, courses, visits; typed IDs, money in cents, dates, coordinates. */
        .target(name: "HousingDomain"),
        /** Reads and validates `Rules/` (gazetteer, cost limits, area norms, heating thresholds) and judges a flat for a household. */
        .target(name: "RuleBook", dependencies: ["HousingDomain", .product(name: "Yams", package: "Yams")]),
        /** Hard filters, scoring, top-k and the optimal assignment of flats to households; pure and deterministic. */
        .target(name: "Matching", dependencies: ["HousingDomain", "RuleBook"]),
        /** The SQLite store: one AppDatabase owning every write, append-only migrations, named queries, the audit log. */
        .target(
            name: "HousingStore",
            dependencies: [
                "HousingDomain", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /** Listing sources, HTTP fetch, feed parsers (OpenImmo, CSV, JSON), diagnostics and reconciliation. */
        .target(
            name: "ListingImport",
            dependencies: ["HousingDomain", "HousingStore", .product(name: "Yams", package: "Yams")]
        ),
        /** The `wohnlotse` command tree. */
        .target(
            name: "WohnlotseCommands",
            dependencies: [
                "HousingDomain", "RuleBook", "Matching", "HousingStore", "ListingImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        /** The executable: one line calling the command tree. */
        .executableTarget(
            name: "wohnlotse",
            dependencies: ["WohnlotseCommands", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        /** Release-mode benchmarks; see README "Benchmarks". */
        .executableTarget(
            name: "WohnlotseBench",
            dependencies: ["HousingDomain", "RuleBook", "Matching", "HousingStore", "ListingImport", "WohnlotseCommands"],
            path: "Benchmarks/WohnlotseBench"
        ),

        .testTarget(name: "HousingDomainTests", dependencies: ["HousingDomain"]),
        .testTarget(name: "RuleBookTests", dependencies: ["RuleBook"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching"]),
        .testTarget(
            name: "HousingStoreTests",
            dependencies: ["HousingStore", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ListingImportTests",
            dependencies: [
                "ListingImport", "HousingStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "WohnlotseCLITests",
            dependencies: ["HousingStore", "WohnlotseCommands", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ]
)
