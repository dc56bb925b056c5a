import Foundation
import HousingStore
import Hummingbird
import Logging

/// Logs each request's method, path, status and duration: paths carry ids only, never names, and
/// the query string and bodies are left out.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info(
            "\(request.method.rawValue) \(request.uri.path) \(response.status.code)",
            metadata: ["ms": .string(String(format: "%.1f", ms))])
        return response
    }
}

/// Headers that keep pages out of caches and frames and forbid scripts: the app needs none.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Picks the page language: `?lang=` (remembered in a cookie), else the cookie, else the browser's
/// Accept-Language, else German.
struct LanguageMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        let chosen = request.uri.queryParameters["lang"].flatMap { Language(rawValue: String($0)) }
        context.language = chosen
            ?? request.cookies[Language.cookieName].flatMap { Language(rawValue: $0.value) }
            ?? Language.preferred(acceptLanguage: request.headers[.acceptLanguage])
        var response = try await next(request, context)
        if let chosen {
            response.setCookie(Cookie(name: Language.cookieName, value: chosen.rawValue, maxAge: 365 * 86_400, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }
}
