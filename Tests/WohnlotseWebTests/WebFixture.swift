import Foundation
import GRDB
import HousingDomain
import HousingStore
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import WohnlotseWeb

/// A clock the tests move forward (sessions expire, throttling windows pass).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_772_352_000)  // 2026-03-01 08:00 UTC
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

/// A real SQLite file in a temporary folder with an admin, two coaches and a job-centre user (all
/// with the password `WebFixture.password`), and the web app over it.
struct WebFixture {
    static let password = "richtiges Pferd Batterie"
    static let today = CalendarDate(iso: "2026-03-01")!

    let directory: URL
    let database: AppDatabase
    let clock = TestClock()
    var configuration: WebConfiguration

    init(secureCookies: Bool = false, trustForwardedFor: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wohnlotse-web-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try AppDatabase.open(path: directory.appendingPathComponent("web.sqlite").path, create: true)
        try database.bootstrap(adminName: "admin")
        let admin = try database.actor(named: "admin", command: "test")
        for (name, display, role) in [("coach1", "Carla Coach", User.Role.coach), ("coach2", "Conrad Coach", .coach), ("jc", "Jobcenter Test", .jobcentre)] {
            _ = try database.createUser(User(name: name, displayName: display, role: role), by: admin)
        }
        for name in ["admin", "coach1", "coach2", "jc"] {
            try database.setPasswordHash(Passwords.hash(Self.password, cost: 4), forUser: name, by: admin)
        }
        let clock = self.clock
        configuration = WebConfiguration(
            secureCookies: secureCookies, trustForwardedFor: trustForwardedFor, bcryptCost: 4, importSources: ["probstei-wohnbau"],
            today: { WebFixture.today }, now: { clock.now },
            locate: { address in
                guard let postalCode = address.postalCode, let place = address.place else { return nil }
                return try? WebFixture.rules.gazetteer.resolve(postalCode: postalCode, place: place).coordinate
            })
    }

    func actor(_ name: String) throws -> Actor { try database.actor(named: name, command: "test") }

    /// Runs `body` with a browser on the app's router (in process, no socket).
    func withBrowser<T: Sendable>(_ body: @Sendable (Browser) async throws -> T) async throws -> T {
        let app = try WebApp(database: database, configuration: configuration)
        let application = Application(router: app.router(), logger: Logger(label: "wohnlotse.web.test"))
        return try await application.test(.router) { client in
            try await body(Browser(client: client))
        }
    }

    /// Runs `body` with a browser signed in as `user`.
    func signedIn<T: Sendable>(as user: String, _ body: @Sendable (Browser) async throws -> T) async throws -> T {
        try await withBrowser { browser async throws in
            let page = try await browser.signIn(user)
            #expect(page.status == .seeOther, "\(user) could not sign in")
            return try await body(browser)
        }
    }

    /// Audit rows (newest first) as the admin reads them.
    func audit(user: String? = nil) throws -> [AuditEntry] {
        try database.auditEntries(userName: user, limit: 1000, by: try actor("admin"))
    }
}

/// One response as a browser would see it.
struct Page: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String

    var location: String? { headers[.location] }
    var setCookies: [String] { headers[values: .setCookie] }

    /// The first CSRF token in a form on the page.
    var csrf: String? { field("_csrf") }

    /// The value of the first input named `name`.
    func field(_ name: String) -> String? {
        guard let range = body.range(of: "name=\"\(name)\""), let end = body[range.upperBound...].firstIndex(of: ">"),
            let value = body[range.upperBound..<end].range(of: "value=\"")
        else { return nil }
        let rest = body[value.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

/// A cookie-keeping client: what a browser does between requests.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    /// Sent as X-Forwarded-For (the fixture trusts it), to act from different addresses.
    var address = "192.0.2.10"
    var acceptLanguage: String?

    init(client: any TestClientProtocol) { self.client = client }

    func get(_ path: String) async throws -> Page {
        try await send(path, method: .get, body: nil)
    }

    /// POSTs a form; `csrf: true` adds the token found on `from` (or the last page).
    func post(_ path: String, _ fields: [(String, String)]) async throws -> Page {
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(path, method: .post, body: body)
    }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._*"))) ?? s
    }

    private func send(_ path: String, method: HTTPRequest.Method, body: String?) async throws -> Page {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        headers[.init("X-Forwarded-For")!] = address
        if let acceptLanguage { headers[.acceptLanguage] = acceptLanguage }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for line in response.headers[values: .setCookie] {
            let first = line.split(separator: ";").first.map(String.init) ?? ""
            let parts = first.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            if line.contains("Max-Age=0") || parts[1].isEmpty { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
        }
        return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    /// Signs in through the form, as a person would.
    @discardableResult
    func signIn(_ user: String, password: String = WebFixture.password) async throws -> Page {
        let form = try await get("/login")
        return try await post("/login", [("_csrf", form.csrf ?? ""), ("username", user), ("password", password)])
    }

    /// Drops a cookie, as when the browser is closed or a test forges a request.
    func forget(_ cookie: String) { cookies[cookie] = nil }
    func set(_ cookie: String, _ value: String) { cookies[cookie] = value }
}
