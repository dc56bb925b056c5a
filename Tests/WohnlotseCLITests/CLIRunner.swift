import Foundation
import Testing

/// What one run of the built `wohnlotse` binary did.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String

    /// stdout and stderr together, for messages that may go to either.
    var output: String { stdout + stderr }
}

/// Runs the built `wohnlotse` binary as a user would, in its own temporary directory.
struct CLIRunner {
    /// The working directory of every run: a fresh temporary directory.
    let directory: URL
    /// Environment added to every run (e.g. WOHNLOTSE_USER, WOHNLOTSE_TODAY).
    var environment: [String: String]

    init(environment: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("wohnlotse-cli-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.environment = environment
    }

    /// The package root, found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `wohnlotse` executable next to the test bundle in the build folder.
    static let binary: URL = {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("wohnlotse"),
            Bundle.main.bundleURL.appendingPathComponent("wohnlotse"),
            packageRoot.appendingPathComponent(".build/debug/wohnlotse"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[2]
    }()

    /// Copies the package's `Rules/` (and optionally `Imports/`) into the run directory, as an operator would install them.
    func installProjectData(imports: Bool = false) throws {
        var folders = ["Rules"]
        if imports { folders.append("Imports") }
        for folder in folders {
            let source = Self.packageRoot.appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: source.path) else { continue }
            try FileManager.default.copyItem(at: source, to: directory.appendingPathComponent(folder))
        }
    }

    /// Runs `wohnlotse ARGS` with optional standard input; never throws for a non-zero exit.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, extraEnvironment: [String: String] = [:]) throws -> CLIResult {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["WOHNLOTSE_DB"] = nil
        env["WOHNLOTSE_USER"] = nil
        env["WOHNLOTSE_RULES"] = nil
        env.merge(environment) { $1 }
        env.merge(extraEnvironment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a large output cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs and requires exit status 0, recording the output on failure.
    @discardableResult
    func ok(_ arguments: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIResult {
        let result = try run(arguments, stdin: stdin)
        #expect(result.status == 0, "wohnlotse \(arguments.joined(separator: " ")) failed:\n\(result.output)", sourceLocation: sourceLocation)
        return result
    }
}
