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
        // The web app (`wohnlotse serve`); the importer's fetch tests also use it as a real HTTP server on 127.0.0.1.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // bcrypt password hashes for the web app's sign-in (only its HummingbirdBcrypt product is used).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // Server-rendered HTML templates for the web app, HTML-escaped by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
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
        /** The web app for coaches, job-centre staff and admins: sign-in, sessions, CSRF, pages and forms over the same store and access rules as the CLI. */
        .target(
            name: "WohnlotseWeb",
            dependencies: [
                "HousingDomain", "RuleBook", "Matching", "HousingStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /** The `wohnlotse` command tree. */
        .target(
            name: "WohnlotseCommands",
            dependencies: [
                "HousingDomain", "RuleBook", "Matching", "HousingStore", "ListingImport", "WohnlotseWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
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
            name: "WohnlotseWebTests",
            dependencies: [
                "WohnlotseWeb", "HousingStore", "HousingDomain", "Matching", "RuleBook",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "WohnlotseCLITests",
            dependencies: ["HousingStore", "WohnlotseCommands", "WohnlotseWeb", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ]
)
