import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `wohnlotse serve` as an operator starts it: the built binary on a loopback port, real HTTP.
@Suite struct ServeCLITests {
    /// Starts `wohnlotse serve` on a free port and waits for its start line.
    func start(_ cli: CLIRunner) throws -> (Process, Int) {
        for _ in 0..<5 {
            let port = Int.random(in: 20_000...60_000)
            let process = Process()
            process.executableURL = CLIRunner.binary
            process.arguments = ["serve", "--port", String(port), "--log-level", "warning"]
            process.currentDirectoryURL = cli.directory
            var env = ProcessInfo.processInfo.environment
            env["WOHNLOTSE_DB"] = nil
            process.environment = env
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The start line comes before the socket is bound; poll the port until it answers.
            let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            if line.contains("Wohnlotse web app on http://127.0.0.1:\(port)/") {
                for _ in 0..<100 {
                    if (try? get(port, "/static/style.css")) != nil { return (process, port) }
                    if !process.isRunning { break }
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
            process.terminate()
            process.waitUntilExit()
        }
        throw CLIFailure(message: "wohnlotse serve did not start")
    }

    struct CLIFailure: Error { var message: String }

    func get(_ port: Int, _ path: String) throws -> (HTTPURLResponse, String) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        nonisolated(unsafe) var result: (HTTPURLResponse, String)?
        nonisolated(unsafe) var failure: (any Error)?
        let done = DispatchSemaphore(value: 0)
        let config = URLSessionConfiguration.ephemeral
        config.httpShouldSetCookies = false
        let session = URLSession(configuration: config)
        var request = URLRequest(url: url)
        request.setValue("de-DE,de;q=0.9,en;q=0.5", forHTTPHeaderField: "Accept-Language")
        session.dataTask(with: request) { data, response, error in
            if let response = response as? HTTPURLResponse { result = (response, String(decoding: data ?? Data(), as: UTF8.self)) }
            failure = error
            done.signal()
        }.resume()
        done.wait()
        if let failure { throw failure }
        return try #require(result)
    }

    @Test func servesTheSignInPageOverLoopbackAndStopsOnSIGTERM() throws {
        let cli = try CLIRunner(environment: ["WOHNLOTSE_USER": "admin"])
        try cli.ok(["init"])
        let (process, port) = try start(cli)
        defer { if process.isRunning { process.terminate() } }
        let (response, body) = try get(port, "/login")
        #expect(response.statusCode == 200)
        #expect(body.contains("<h1>Anmelden</h1>"))
        let cookie = response.value(forHTTPHeaderField: "Set-Cookie") ?? ""
        #expect(cookie.contains("wl_login=") && cookie.contains("HttpOnly") && !cookie.contains("Secure"), "loopback: no Secure flag, \(cookie)")
        // Signed out, the start page leads to the sign-in form.
        let (redirected, page) = try get(port, "/")
        #expect(redirected.url?.path == "/login")
        #expect(page.contains("<label for=\"password\">Passwort</label>"))
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit || process.terminationStatus == SIGTERM)
    }
}
