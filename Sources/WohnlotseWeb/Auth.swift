import Foundation
import HousingDomain
import HousingStore
import Hummingbird
import Logging

/// Finds the signed-in browser from its session cookie and the client's address for throttling.
struct SessionMiddleware: RouterMiddleware {
    let app: WebApp

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = app.clientAddress(request, context)
        var clearCookie = false
        // The stylesheet needs no session (and no database write to keep one alive).
        if !request.uri.path.hasPrefix("/static/"), let token = request.cookies[WebApp.sessionCookie]?.value, !token.isEmpty {
            let hash = WebApp.sha256(token)
            let now = app.configuration.now()
            let idle = app.configuration.idleTimeout
            let database = app.database
            context.session = try await app.store { try database.webSession(tokenHash: hash, now: now, idleTimeout: idle) }
            if context.session == nil {
                context.sessionExpired = true
                clearCookie = true
            }
        }
        var response = try await next(request, context)
        if clearCookie && !response.headers[values: .setCookie].contains(where: { $0.hasPrefix(WebApp.sessionCookie + "=") }) {
            response.setCookie(app.cookie(WebApp.sessionCookie, "", maxAge: 0))
        }
        return response
    }
}

/// A submitted form: `application/x-www-form-urlencoded` fields by name (the last value wins).
struct Form: Sendable {
    var fields: [String: String]

    init(urlEncoded body: String) {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.fields = fields
    }

    /// The field trimmed, nil when missing or blank.
    subscript(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}

extension WebApp {
    static let sessionCookie = "wl_session"
    /// The sign-in form's own CSRF token (double submit: cookie and hidden field must match).
    static let loginCookie = "wl_login"

    func addAuthRoutes(to router: Router<WebContext>) {
        router.get("/login") { request, context in try await loginPage(request, context) }
        router.post("/login") { request, context in try await login(request, context) }
        router.post("/logout") { request, context in try await logout(request, context) }
    }

    /// The client's address: the socket's peer, or behind a trusted proxy the last X-Forwarded-For hop.
    func clientAddress(_ request: Request, _ context: WebContext) -> String {
        if configuration.trustForwardedFor, let forwarded = request.headers[.init("X-Forwarded-For")!],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        {
            return last
        }
        return context.peerAddress ?? "unknown"
    }

    /// Reads a POSTed form and checks its CSRF token against the session's; refuses before anything else.
    func form(_ request: Request, _ context: WebContext) async throws -> Form {
        guard let session = context.session else { throw WebError.signInRequired(next: nil) }
        let form = try await readForm(request, context)
        guard let token = form.fields["_csrf"], WebApp.constantTimeEquals(token, session.csrfToken) else { throw WebError.csrf }
        return form
    }

    func readForm(_ request: Request, _ context: WebContext) async throws -> Form {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return Form(urlEncoded: String(buffer: body))
    }

    // MARK: Sign-in

    func loginPage(
        _ request: Request, _ context: WebContext, error: String? = nil, username: String? = nil, next: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response
    {
        if context.session != nil, error == nil {
            return redirect(to: "/")
        }
        let existing = request.cookies[WebApp.loginCookie]?.value
        let token = existing.flatMap { $0.count >= 32 ? $0 : nil } ?? WebApp.randomToken()
        var data: [String: Any] = ["loginToken": token]
        let query = request.uri.queryParameters
        // After a failed attempt the page asked for still comes from the form, so the user lands there.
        if let next = next ?? query["next"].map(String.init), WebApp.isSafeRedirect(next) { data["next"] = next }
        if query["expired"] != nil || context.sessionExpired { data["expired"] = true }
        if query["signedout"] != nil { data["signedOut"] = true }
        if let error { data["error"] = error }
        if let username { data["username"] = username }
        var response = render("login", title: context.strings["signInTitle"], data: data, request: request, context: context, status: status)
        if existing != token { response.setCookie(cookie(WebApp.loginCookie, token)) }
        return response
    }

    func login(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await readForm(request, context)
        guard let cookie = request.cookies[WebApp.loginCookie]?.value, cookie.count >= 32, let field = form.fields["_csrf"],
            WebApp.constantTimeEquals(cookie, field)
        else { throw WebError.csrf }
        let username = form["username"] ?? ""
        let password = form.fields["password"] ?? ""
        let now = configuration.now()
        let nameKey = WebApp.sha256("name:" + username.lowercased())
        let addressKey = WebApp.sha256("address:" + context.clientAddress)
        let database = self.database
        let since = now.addingTimeInterval(-configuration.failureWindow)
        let limit = configuration.maxFailures
        // Count and record the attempt in one transaction before the password is checked, so a burst
        // of parallel guesses is held to the limit too; a right password forgets it again.
        let reserved = try await store {
            try database.reserveLoginAttempt(nameKey: nameKey, addressKey: addressKey, since: since, limit: limit, at: now)
        }
        guard let attempt = reserved.attempt else {
            // Free again when enough of the failures have left the window.
            let until = reserved.blocking.map { $0[$0.count - limit].addingTimeInterval(configuration.failureWindow) }.max() ?? now
            context.logger.notice("sign-in refused: too many failures")
            throw WebError.throttled(until: until)
        }
        let record = try await store { try database.loginRecord(name: username) }
        // Check a hash even for unknown users, so that the answer takes the same time; at most one
        // check per core at a time, so a flood of sign-ins cannot take the server's threads.
        let hash = record?.passwordHash ?? standInHash
        let matches = try await passwordChecks.run { Passwords.verify(password, hash: hash) }
        guard let record, record.passwordHash != nil, matches, let userID = record.user.id else {
            context.logger.notice("sign-in failed")
            return try await loginPage(
                request, context, error: context.strings["signInFailed"], username: username, next: form["next"], status: .unauthorized)
        }
        let token = WebApp.randomToken()
        let csrf = WebApp.randomToken()
        let expires = now.addingTimeInterval(configuration.absoluteTimeout)
        let user = record.user
        // A browser that was signed in as someone else starts over: never reuse a session.
        let previous = context.session
        try await store {
            if let previous, let oldID = previous.user.id {
                let oldActor = Actor(userID: oldID, name: previous.user.name, role: previous.user.role, command: "web POST /login")
                try database.endWebSession(tokenHash: previous.tokenHash, by: oldActor)
            }
            try database.clearLoginFailures(nameKey: nameKey, attempt: attempt)
            try database.startWebSession(tokenHash: WebApp.sha256(token), csrfToken: csrf, user: user, now: now, expiresAt: expires, command: "web POST /login")
        }
        context.logger.info("signed in", metadata: ["user.id": .stringConvertible(userID.rawValue)])
        let next = form["next"].flatMap { WebApp.isSafeRedirect($0) ? $0 : nil } ?? WebApp.home(for: user.role)
        var response = redirect(to: next)
        response.setCookie(self.cookie(WebApp.sessionCookie, token))
        response.setCookie(self.cookie(WebApp.loginCookie, "", maxAge: 0))
        return response
    }

    func logout(_ request: Request, _ context: WebContext) async throws -> Response {
        let actor = try actor(request, context)
        _ = try await form(request, context)
        guard let session = context.session else { throw WebError.signInRequired(next: nil) }
        let database = self.database
        try await store { try database.endWebSession(tokenHash: session.tokenHash, by: actor) }
        var response = redirect(to: "/login?signedout=1")
        response.setCookie(cookie(WebApp.sessionCookie, "", maxAge: 0))
        return response
    }
}
