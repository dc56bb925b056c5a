import Foundation
import HousingDomain
import Hummingbird
import Testing
@testable import WohnlotseWeb

/// The frame every page shares: stylesheet, language, error pages, headers.
@Suite struct FrameTests {
    @Test func stylesheetComesFromTheBinary() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            let css = try await browser.get("/static/style.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.body.contains(":focus-visible"))
            #expect(css.body.contains("@media (max-width: 40rem)"))
        }
    }

    @Test func unknownPageIsAReadableGermanPage() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            let page = try await browser.get("/gibt-es-nicht")
            #expect(page.status == .notFound)
            #expect(page.body.contains("<html lang=\"de\">"))
            #expect(page.body.contains("Seite nicht gefunden"))
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
        }
    }

    @Test func languageFromQueryCookieOrBrowser() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            let english = try await browser.get("/nope?lang=en")
            #expect(english.body.contains("Page not found"))
            #expect(english.body.contains("<html lang=\"en\">"))
            // The choice is remembered in a cookie…
            #expect(english.setCookies.contains { $0.hasPrefix("wl_lang=en") })
            let again = try await browser.get("/nope")
            #expect(again.body.contains("Page not found"))
            // …and the switch leads back to German.
            #expect(again.body.contains("href=\"?lang=de\""))
            #expect(try await browser.get("/nope?lang=de").body.contains("Seite nicht gefunden"))
            // The switch keeps the page's own query (a filter) and swaps only the language.
            #expect(try await browser.get("/nope?stage=searching&lang=de").body.contains("href=\"?stage=searching&amp;lang=en\""))
            // Relative to the page, so a path like //evil.example cannot turn it into a link off the site.
            #expect(!(try await browser.get("//evil.example/x").body.contains("href=\"//evil.example")))
        }
        try await fixture.withBrowser { browser async throws in
            browser.acceptLanguage = "en-GB,en;q=0.9,de;q=0.5"
            #expect(try await browser.get("/nope").body.contains("Page not found"))
            browser.acceptLanguage = "fr-FR,fr;q=0.9"
            #expect(try await browser.get("/nope").body.contains("Seite nicht gefunden"), "German when the browser asks for neither")
        }
    }

    @Test(arguments: [
        ("en-US,en;q=0.8", Language.en), ("de-DE", .de), ("fr, en;q=0.5, de;q=0.7", .de), ("en;q=0, de;q=0.1", .de), ("", .de),
    ])
    func acceptLanguageWeights(header: String, expected: Language) {
        #expect(Language.preferred(acceptLanguage: header) == expected)
    }

    @Test func pagesForbidScriptsFramesAndCaching() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            let page = try await browser.get("/login")
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(!page.body.contains("<script"))
        }
    }

    @Test func anOversizedFormIsARefusalPageNotACrash() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            let form = try await browser.get("/login")
            let page = try await browser.post("/login", [("_csrf", form.csrf ?? ""), ("username", "coach1"), ("password", String(repeating: "x", count: 100_000))])
            #expect(page.status == .contentTooLarge)
            #expect(page.body.contains("Eingabe zu groß"))
            #expect(browser.cookies["wl_session"] == nil)
        }
    }

    @Test func signedOutStartPageSendsToSignIn() async throws {
        let fixture = try WebFixture()
        try await fixture.withBrowser { browser async throws in
            let page = try await browser.get("/")
            #expect(page.status == .seeOther)
            #expect(page.location == "/login")
        }
    }

    @Test func bothLanguagesHaveEveryString() throws {
        #expect(Set(Strings.de.keys) == Set(Strings.en.keys), "keys only in one table: \(Set(Strings.de.keys).symmetricDifference(Strings.en.keys).sorted())")
        // Every {{t.key}} a template uses exists.
        let pattern = try Regex(#"\{\{[#^/]?t\.([A-Za-z0-9]+)\}\}"#)
        for (name, text) in Renderer.templates {
            for match in text.matches(of: pattern) {
                let key = String(text[match.range].dropFirst(2).dropLast(2).drop { "#^/".contains($0) }.dropFirst(2))
                #expect(Strings.de[key] != nil, "template \(name) uses t.\(key), which has no string")
            }
        }
    }

    @Test func noTemplateOutputsUnescapedValues() {
        for (name, text) in Renderer.templates {
            #expect(!text.contains("{{{") && !text.contains("{{&"), "template \(name) must escape every value")
        }
    }

    @Test func moneyAndDatesAsEachLanguageWritesThem() {
        let de = Format(language: .de), en = Format(language: .en)
        #expect(de.money(.init(cents: 123_456)) == "1.234,56 €")
        #expect(en.money(.init(cents: 123_456)) == "1,234.56 €")
        #expect(de.money(.init(cents: -5)) == "−0,05 €")
        #expect(de.date(CalendarDate(iso: "2026-03-01")!) == "01.03.2026")
        #expect(en.date(CalendarDate(iso: "2026-03-01")!) == "2026-03-01")
        #expect(de.decimal(2.5) == "2,5" && de.decimal(3) == "3")
    }
}
