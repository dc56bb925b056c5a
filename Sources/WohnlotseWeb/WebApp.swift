import Crypto
import Foundation
import HousingDomain
import HousingStore
import Hummingbird
import HummingbirdBcrypt
import Logging

/// How the web app runs: cookies, sessions, sign-in throttling, and the clock.
public struct WebConfiguration: Sendable {
    /// Mark cookies `Secure` (sent over https only). On whenever the app is reached through https,
    /// i.e. behind a TLS reverse proxy; `wohnlotse serve` turns it off only on a loopback address.
    public var secureCookies: Bool
    /// Take the client's address from the last `X-Forwarded-For` hop (set by the reverse proxy)
    /// instead of the socket's peer, for sign-in throttling per address.
    public var trustForwardedFor: Bool
    /// A session ends after this long without a request.
    public var idleTimeout: TimeInterval
    /// …and this long after sign-in, however active.
    public var absoluteTimeout: TimeInterval
    /// Failed sign-ins per user name, and per client address, before sign-in is refused…
    public var maxFailures: Int
    /// …within this window; it is refused until the oldest of them leaves the window.
    public var failureWindow: TimeInterval
    /// The bcrypt cost of the stand-in hash checked for unknown users, so that their refusal takes as
    /// long as a wrong password (the same cost as `wohnlotse user passwd` uses).
    public var bcryptCost: UInt8
    /// Listing sources configured for the daily import (for the admin's import health).
    public var importSources: [String]
    /// Days without a good import before a source is flagged.
    public var importHealthDays: Int
    /// Today, for dates defaulted in forms and the agenda (`WOHNLOTSE_TODAY` in demos and tests).
    public var today: @Sendable () -> CalendarDate
    /// The clock for sessions and throttling.
    public var now: @Sendable () -> Date
    /// Where an address is, for places stored without coordinates (the gazetteer in `Rules/`, as
    /// matching uses it); nil when unknown. Only for the household page's map and distances.
    public var locate: @Sendable (Address) -> Coordinate?

    public init(
        secureCookies: Bool, trustForwardedFor: Bool = false, idleTimeout: TimeInterval = 2 * 3600, absoluteTimeout: TimeInterval = 12 * 3600,
        maxFailures: Int = 5, failureWindow: TimeInterval = 15 * 60, bcryptCost: UInt8 = Passwords.cost, importSources: [String] = [],
        importHealthDays: Int = 3, today: @escaping @Sendable () -> CalendarDate = { CalendarDate.today() },
        now: @escaping @Sendable () -> Date = { Date() }, locate: @escaping @Sendable (Address) -> Coordinate? = { _ in nil }
    ) {
        self.secureCookies = secureCookies
        self.trustForwardedFor = trustForwardedFor
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.maxFailures = maxFailures
        self.failureWindow = failureWindow
        self.bcryptCost = bcryptCost
        self.importSources = importSources
        self.importHealthDays = importHealthDays
        self.today = today
        self.now = now
        self.locate = locate
    }
}

/// The web app: the pages and forms for coaches, job-centre staff and admins, over the same
/// `AppDatabase` and `AccessPolicy` as the CLI. Every page names an `Actor` whose command is the
/// request (`web GET /households/42`), so the audit log records it like a CLI command.
public struct WebApp: Sendable {
    let database: AppDatabase
    let configuration: WebConfiguration
    let renderer: Renderer
    /// Checked for unknown user names so that every refused sign-in costs one bcrypt check.
    let standInHash: String
    /// Where sign-in password checks run, one per core at a time.
    let passwordChecks = PasswordChecks()

    public init(database: AppDatabase, configuration: WebConfiguration) throws {
        self.database = database
        self.configuration = configuration
        self.renderer = try Renderer()
        self.standInHash = Bcrypt.hash("stand-in for unknown users", cost: configuration.bcryptCost)
    }

    /// Every route, behind the middleware that logs, secures, picks the language, finds the session
    /// and renders errors.
    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: LastResortMiddleware())
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: LanguageMiddleware())
        router.add(middleware: SessionMiddleware(app: self))
        router.add(middleware: ErrorPageMiddleware(app: self))

        router.get("/static/style.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: Stylesheet.css)))
        }
        router.get("/") { _, context in
            guard let session = context.session else { throw WebError.signInRequired(next: nil) }
            return redirect(to: WebApp.home(for: session.user.role))
        }
        addAuthRoutes(to: router)
        addSuggestionRoutes(to: router)
        addCoachRoutes(to: router)
        addCourseAndLandlordRoutes(to: router)
        addAdminRoutes(to: router)
        return router
    }

    /// The app listening on `host:port`.
    public func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: nil), logger: logger)
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
    public func serve(host: String, port: Int, logger: Logger) async throws {
        try await application(host: host, port: port, logger: logger).runService()
    }

    /// Where each role starts after signing in.
    static func home(for role: User.Role) -> String {
        switch role {
        case .coach: return "/agenda"
        case .jobcentre: return "/review"
        case .admin: return "/admin"
        }
    }

    // MARK: Helpers for the pages

    /// The signed-in user as the store's actor for this request, or a redirect to sign in.
    func actor(_ request: Request, _ context: WebContext) throws -> Actor {
        guard let session = context.session, let id = session.user.id else {
            throw WebError.signInRequired(next: request.method == .get ? request.uri.path : nil)
        }
        return Actor(userID: id, name: session.user.name, role: session.user.role, command: "web \(request.method.rawValue) \(request.uri.path)")
    }

    /// Runs a store call off the server's event loops: SQLite may wait for the daily import's write.
    func store<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// An ID from the path; anything else is the same 404 as a missing ID.
    func id(_ context: WebContext, _ name: String = "id") throws -> Int64 {
        guard let text = context.parameters.get(name), let value = Int64(text), value > 0 else { throw WebError.notFound }
        return value
    }

    /// Runs `body`, turning a refusal to see an entity into the same 404 as a missing one.
    func hidingForeign<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await store(body)
        } catch StoreError.forbidden, StoreError.notFound {
            throw WebError.notFound
        }
    }

    func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    func render(_ template: String, title: String, data: [String: Any], request: Request, context: WebContext, status: HTTPResponse.Status = .ok)
        -> Response
    {
        let html = renderer.page(template, title: title, data: data, request: request, context: context)
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A fresh random token: 32 bytes, URL-safe base64 without padding.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// SHA-256 as lowercase hex.
    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two secrets in time independent of where they differ.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: configuration.secureCookies, httpOnly: true, sameSite: .lax)
    }
}
