import Foundation
import HousingStore
import Hummingbird
import Logging

/// Why a page was not shown; `ErrorPageMiddleware` turns each into a readable page.
enum WebError: Error {
    /// Nobody is signed in: go to the sign-in page (and come back to `next` afterwards).
    case signInRequired(next: String?)
    /// Missing, or not visible to this user: the same page and status either way, revealing nothing.
    case notFound
    /// The user's role may not open this page.
    case forbidden
    /// A form came without the right CSRF token (or the sign-in form without its cookie).
    case csrf
    /// Too many failed sign-ins: try again at `until`.
    case throttled(until: Date)
}

/// Turns every error below it into a page in the user's language with the right status: never a
/// stack trace, never the error's text for unexpected errors (it may hold personal data).
struct ErrorPageMiddleware: RouterMiddleware {
    let app: WebApp

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return app.errorResponse(error, request: request, context: context)
        }
    }
}

/// The outermost net: an error the inner middleware could not render (e.g. the database failed while
/// looking up the session) becomes a plain page in both languages.
struct LastResortMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            context.logger.error("request failed outside the pages", metadata: ["error.type": .string(String(reflecting: type(of: error)))])
            let html = """
                <!doctype html><html lang="de"><head><meta charset="utf-8"><title>Fehler – Error</title></head><body>
                <h1>Ein Fehler ist aufgetreten</h1><p>Bitte versuchen Sie es später noch einmal.</p>
                <h2 lang="en">Something went wrong</h2><p lang="en">Please try again later.</p></body></html>
                """
            return Response(
                status: .internalServerError,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }
}

extension WebApp {
    /// The page for `error`, in the request's language.
    func errorResponse(_ error: any Error, request: Request, context: WebContext) -> Response {
        let s = context.strings
        switch error {
        case WebError.signInRequired(let next):
            var target = "/login"
            if let next, WebApp.isSafeRedirect(next) {
                target += "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_"))) ?? "")
            }
            if context.sessionExpired { target += (target.contains("?") ? "&" : "?") + "expired=1" }
            return redirect(to: target)
        case WebError.notFound, StoreError.notFound:
            return errorPage(.notFound, heading: s["notFoundTitle"], message: s["notFoundText"], context: context, request: request)
        case WebError.forbidden, StoreError.forbidden:
            return errorPage(.forbidden, heading: s["forbiddenTitle"], message: s["forbiddenText"], context: context, request: request)
        case WebError.csrf:
            return errorPage(.forbidden, heading: s["csrfTitle"], message: s["csrfText"], context: context, request: request)
        case WebError.throttled(let until):
            let minutes = max(1, Int((until.timeIntervalSince(configuration.now()) / 60).rounded(.up)))
            var response = errorPage(
                .tooManyRequests, heading: s["throttledTitle"],
                message: s.fill("throttledText", String(minutes), Format(language: context.language).time(until)),
                context: context, request: request, back: ("/login", s["backToSignIn"]))
            response.headers[.retryAfter] = String(minutes * 60)
            return response
        case let error as any HTTPResponseError where error.status == .notFound || error.status == .methodNotAllowed:
            return errorPage(.notFound, heading: s["notFoundTitle"], message: s["notFoundText"], context: context, request: request)
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return errorPage(.contentTooLarge, heading: s["tooLargeTitle"], message: s["tooLargeText"], context: context, request: request)
        default:
            // The type only: an error's text may quote what was typed or stored.
            context.logger.error("page failed", metadata: ["error.type": .string(String(reflecting: type(of: error)))])
            return errorPage(.internalServerError, heading: s["serverErrorTitle"], message: s["serverErrorText"], context: context, request: request)
        }
    }

    func errorPage(
        _ status: HTTPResponse.Status, heading: String, message: String, detail: String? = nil, context: WebContext, request: Request,
        back: (String, String)? = nil
    ) -> Response {
        let s = context.strings
        let back = back ?? ("/", s["backToStart"])
        var data: [String: Any] = ["heading": heading, "message": message, "backHref": back.0, "backLabel": back.1]
        if let detail { data["detail"] = detail }
        return render("error", title: heading, data: data, request: request, context: context, status: status)
    }

    /// Only paths on this site: `/…` but not `//host` (no open redirect after sign-in). Browsers
    /// drop tabs and newlines from a Location and read `\` as `/`, so `/\t/evil.example` would be
    /// `//evil.example`: only visible ASCII without a backslash passes.
    static func isSafeRedirect(_ path: String) -> Bool {
        guard path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }) else { return false }
        return path.hasPrefix("/") && !path.hasPrefix("//") && !path.hasPrefix("/login") && !path.hasPrefix("/logout")
    }
}
