import Foundation
import HousingDomain
import HousingStore
import Hummingbird
import Mustache

/// The templates, compiled into the binary and loaded into one Mustache library at start-up, so
/// the app runs from any working directory and as a single copied file.
struct Renderer: Sendable {
    let library: MustacheLibrary

    /// Every template by name; pages extend `layout` (`{{<layout}}…{{/layout}}`).
    static let templates: [String: String] = [
        "layout": LayoutTemplates.layout,
        "login": LayoutTemplates.login,
        "error": LayoutTemplates.error,
        "review": SuggestionTemplates.review,
        "suggestion": SuggestionTemplates.suggestion,
        "sheet": SuggestionTemplates.sheet,
        "costFacts": SuggestionTemplates.costFacts,
        "householdFacts": SuggestionTemplates.householdFacts,
        "agenda": CoachTemplates.agenda,
        "households": CoachTemplates.households,
        "household": CoachTemplates.household,
        "visit": CoachTemplates.visit,
        "courses": CoachTemplates.courses,
        "attendance": CoachTemplates.attendance,
        "landlords": CoachTemplates.landlords,
        "landlord": CoachTemplates.landlord,
        "admin": AdminTemplates.admin,
        "users": AdminTemplates.users,
        "cases": AdminTemplates.cases,
    ]

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in Self.templates { try library.register(text, named: name) }
        self.library = library
    }

    /// Renders page `name` inside the layout, with what every page needs: the strings of the
    /// language, the signed-in user and navigation, the CSRF token, the language switch.
    func page(_ name: String, title: String, data: [String: Any], request: Request, context: WebContext) -> String {
        let s = context.strings
        var all = data
        all["t"] = s.table
        all["lang"] = context.language.rawValue
        all["title"] = title
        let path = request.uri.path
        let other = context.language.other
        // Keep the page's own query (a stage filter, "show decided"), swapping only the language.
        let kept = (request.uri.query ?? "").split(separator: "&").filter { !$0.isEmpty && !$0.hasPrefix("lang=") }
        let query = (kept + ["lang=" + other.rawValue]).joined(separator: "&")
        // Relative to the page ("?…"), so an address like //evil.example/x cannot make it a link off the site.
        all["switchLanguage"] = ["href": "?" + query, "lang": other.rawValue, "label": s["switchLanguage"]]
        if let session = context.session {
            all["csrf"] = session.csrfToken
            all["user"] = [
                "name": session.user.displayName ?? session.user.name,
                "roleLabel": s.label("role", session.user.role.rawValue),
                "nav": Self.navigation(for: session.user.role, strings: s).map { item -> [String: Any] in
                    ["href": item.href, "label": item.label, "current": path == item.href || path.hasPrefix(item.href + "/")]
                },
            ]
        }
        if let ok = request.uri.queryParameters["ok"], let message = s.table["flash." + ok] { all["flash"] = message }
        return library.render(all, withTemplate: name) ?? ""
    }

    /// The menu of each role: only what the role may use.
    static func navigation(for role: User.Role, strings s: Strings) -> [(href: String, label: String)] {
        switch role {
        case .coach:
            return [("/agenda", s["navAgenda"]), ("/households", s["navHouseholds"]), ("/courses", s["navCourses"]), ("/landlords", s["navLandlords"])]
        case .jobcentre:
            return [("/review", s["navReview"])]
        case .admin:
            return [
                ("/households", s["navHouseholds"]), ("/review", s["navReview"]), ("/courses", s["navCourses"]), ("/landlords", s["navLandlords"]),
                ("/admin", s["navAdmin"]),
            ]
        }
    }
}
