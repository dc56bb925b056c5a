/// The admin's pages: import health, users, case assignments.
enum AdminTemplates {
    static let admin = """
        {{<layout}}{{$content}}
        <h1>{{t.adminTitle}}</h1>
        <p class="actions"><a class="button secondary" href="/admin/users">{{t.usersTitle}}</a> <a class="button secondary" href="/admin/cases">{{t.casesTitle}}</a></p>
        <h2>{{t.importHealthHeading}}</h2>
        {{#allWell}}<p class="ok">{{t.importAllWell}}</p>{{/allWell}}
        {{#hasSources}}
        <table class="responsive">
        <caption>{{t.importCaption}}</caption>
        <thead><tr><th scope="col">{{t.source}}</th><th scope="col">{{t.lastRun}}</th><th scope="col">{{t.outcome}}</th><th scope="col">{{t.importCountsHeading}}</th><th scope="col">{{t.lastSuccess}}</th><th scope="col" class="num">{{t.failuresSinceSuccess}}</th></tr></thead>
        <tbody>{{#sources}}<tr><td data-label="{{t.source}}">{{source}}{{#problem}}<br><span class="bad">{{.}}</span>{{/problem}}</td><td data-label="{{t.lastRun}}">{{lastRun}}</td>
        <td data-label="{{t.outcome}}"><span class="{{outcomeClass}}">{{outcome}}</span>{{#error}}<br><span class="muted">{{.}}</span>{{/error}}</td><td data-label="{{t.importCountsHeading}}">{{counts}}</td>
        <td data-label="{{t.lastSuccess}}">{{lastSuccess}}</td><td class="num" data-label="{{t.failuresSinceSuccess}}">{{failures}}</td></tr>{{/sources}}</tbody>
        </table>
        {{/hasSources}}
        {{^hasSources}}<p>{{t.noSources}}</p>{{/hasSources}}
        <p class="hint">{{t.importHint}}</p>
        {{/content}}{{/layout}}
        """

    static let users = """
        {{<layout}}{{$content}}
        <p><a href="/admin">{{t.backToAdmin}}</a></p>
        <h1>{{t.usersTitle}}</h1>
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        <table class="responsive">
        <thead><tr><th scope="col">{{t.username}}</th><th scope="col">{{t.name}}</th><th scope="col">{{t.roleLabel}}</th><th scope="col">{{t.status}}</th><th scope="col">{{t.passwordSet}}</th><th scope="col" class="num">{{t.openSessions}}</th><th scope="col">{{t.change}}</th></tr></thead>
        <tbody>{{#users}}<tr><td data-label="{{t.username}}">{{name}}</td><td data-label="{{t.name}}">{{displayName}}</td><td data-label="{{t.roleLabel}}">{{role}}</td><td data-label="{{t.status}}">{{status}}</td>
        <td data-label="{{t.passwordSet}}">{{password}}</td><td class="num" data-label="{{t.openSessions}}">{{sessions}}</td>
        <td data-label="{{t.change}}">{{^isSelf}}<form method="post" action="/admin/users/active"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="name" value="{{name}}">
        {{#active}}<input type="hidden" name="active" value="0"><button type="submit" class="secondary">{{t.deactivate}} <span class="visually-hidden">{{name}}</span></button>{{/active}}
        {{^active}}<input type="hidden" name="active" value="1"><button type="submit" class="secondary">{{t.activate}} <span class="visually-hidden">{{name}}</span></button>{{/active}}
        </form>{{/isSelf}}</td></tr>{{/users}}</tbody>
        </table>
        <p class="hint">{{t.passwordHint}}</p>
        <h2>{{t.addUserHeading}}</h2>
        <form method="post" action="/admin/users" class="stack">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <p><label for="new-name">{{t.username}}</label><input id="new-name" name="name" value="{{newName}}" autocapitalize="none" spellcheck="false" required></p>
        <p><label for="new-display">{{t.displayName}}</label><input id="new-display" name="displayName" value="{{newDisplayName}}"></p>
        <p><label for="new-role">{{t.roleLabel}}</label><select id="new-role" name="role">{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/roles}}</select></p>
        <p><button type="submit">{{t.addUser}}</button></p>
        </form>
        {{/content}}{{/layout}}
        """

    static let cases = """
        {{<layout}}{{$content}}
        <p><a href="/admin">{{t.backToAdmin}}</a></p>
        <h1>{{t.casesTitle}}</h1>
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        {{#hasCases}}
        <ul class="cards">
        {{#cases}}<li class="card">
        <h2>{{reference}} <span class="muted">· {{stage}}</span></h2>
        <form method="post" action="/admin/cases/{{id}}/coach" class="inline">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <p><label for="coach-{{id}}">{{t.coachInCharge}}</label><select id="coach-{{id}}" name="coach">{{#coachOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/coachOptions}}</select></p>
        <p><button type="submit" class="secondary">{{t.assign}}</button></p>
        </form>
        <p>{{t.sharedWith}}: {{^shared}}–{{/shared}}</p>
        {{#shared}}<form method="post" action="/admin/cases/{{id}}/unshare" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="coach" value="{{name}}"><p>{{name}}</p><p><button type="submit" class="secondary">{{t.unshare}} <span class="visually-hidden">{{name}}</span></button></p></form>{{/shared}}
        {{#canShare}}<form method="post" action="/admin/cases/{{id}}/share" class="inline">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <p><label for="share-{{id}}">{{t.shareWith}}</label><select id="share-{{id}}" name="coach">{{#shareOptions}}<option value="{{value}}">{{value}}</option>{{/shareOptions}}</select></p>
        <p><button type="submit" class="secondary">{{t.share}}</button></p>
        </form>{{/canShare}}
        </li>{{/cases}}
        </ul>
        {{/hasCases}}
        {{^hasCases}}<p>{{t.noHouseholds}}</p>{{/hasCases}}
        {{/content}}{{/layout}}
        """
}
