/// The page frame, the sign-in page and the error page. Every `{{value}}` is HTML-escaped by
/// Mustache; no template uses `{{{…}}}`.
enum LayoutTemplates {
    static let layout = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} – Wohnlotse</title>
        <link rel="stylesheet" href="/static/style.css">
        </head>
        <body>
        <a class="skip" href="#main">{{t.skipToContent}}</a>
        <header class="top">
        <p class="brand"><a href="/">Wohnlotse</a></p>
        {{#user}}
        <nav aria-label="{{t.mainNavigation}}"><ul>
        {{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}
        </ul></nav>
        <form method="post" action="/logout" class="signout">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <span class="who">{{name}} · {{roleLabel}}</span>
        <button type="submit" class="link">{{t.signOut}}</button>
        </form>
        {{/user}}
        </header>
        <main id="main" tabindex="-1">
        {{#flash}}<p class="notice" role="status">{{.}}</p>{{/flash}}
        {{$content}}{{/content}}
        </main>
        <footer>
        <p><a href="{{switchLanguage.href}}" lang="{{switchLanguage.lang}}" hreflang="{{switchLanguage.lang}}">{{switchLanguage.label}}</a></p>
        </footer>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}{{$content}}
        <h1>{{t.signInTitle}}</h1>
        {{#expired}}<p class="notice" role="status">{{t.sessionExpired}}</p>{{/expired}}
        {{#signedOut}}<p class="notice" role="status">{{t.signedOut}}</p>{{/signedOut}}
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        <form method="post" action="/login" class="stack narrow">
        <input type="hidden" name="_csrf" value="{{loginToken}}">
        {{#next}}<input type="hidden" name="next" value="{{.}}">{{/next}}
        <p><label for="username">{{t.username}}</label>
        <input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="{{username}}"></p>
        <p><label for="password">{{t.password}}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required></p>
        <p><button type="submit">{{t.signIn}}</button></p>
        </form>
        <p class="hint">{{t.signInHint}}</p>
        {{/content}}{{/layout}}
        """

    static let error = """
        {{<layout}}{{$content}}
        <h1>{{heading}}</h1>
        <p>{{message}}</p>
        {{#detail}}<p class="detail">{{.}}</p>{{/detail}}
        <p><a href="{{backHref}}">{{backLabel}}</a></p>
        {{/content}}{{/layout}}
        """
}
