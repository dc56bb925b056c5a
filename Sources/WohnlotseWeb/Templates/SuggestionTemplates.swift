/// The job centre's queue, a suggestion's page (every role) and the printable approval sheet.
enum SuggestionTemplates {
    static let review = """
        {{<layout}}{{$content}}
        <h1>{{t.reviewTitle}}</h1>
        <p class="hint">{{t.reviewIntro}}</p>
        <p>{{#showAll}}<a href="/review">{{t.reviewOnlyOpen}}</a>{{/showAll}}{{^showAll}}<a href="/review?all=1">{{t.reviewShowDecided}}</a>{{/showAll}}</p>
        {{#hasItems}}
        <div class="table-scroll" role="region" aria-label="{{t.reviewCaption}}" tabindex="0">
        <table class="responsive">
        <caption>{{t.reviewCaption}}</caption>
        <thead><tr><th scope="col">{{t.colVerdict}}</th><th scope="col" class="num">{{t.limit}}</th><th scope="col" class="num">{{t.grossColdRent}}</th>
        <th scope="col" class="num">{{t.colHeadroom}}</th><th scope="col">{{t.heating}}</th><th scope="col">{{t.colCase}}</th>
        <th scope="col" class="num">{{t.persons}}</th><th scope="col">{{t.ages}}</th><th scope="col">{{t.benefit}}</th><th scope="col">{{t.colFlat}}</th>
        <th scope="col">{{t.colSubmitted}}</th><th scope="col">{{t.state}}</th></tr></thead>
        <tbody>
        {{#items}}
        <tr>
        <td data-label="{{t.colVerdict}}"><span class="{{verdictClass}}">{{verdict}}</span></td>
        <td class="num" data-label="{{t.limit}}">{{limit}}</td>
        <td class="num" data-label="{{t.grossColdRent}}">{{gross}}</td>
        <td class="num" data-label="{{t.colHeadroom}}"><span class="{{headroomClass}}">{{headroomLabel}} {{headroom}}</span></td>
        <td data-label="{{t.heating}}"><span class="{{heatingClass}}">{{heatingShort}}</span></td>
        <td data-label="{{t.colCase}}"><a href="/suggestions/{{id}}">{{reference}}</a>{{#hasGranted}} <span class="warn">{{t.grantedShort}}</span>{{/hasGranted}}</td>
        <td class="num" data-label="{{t.persons}}">{{persons}}</td>
        <td data-label="{{t.ages}}">{{ages}}</td>
        <td data-label="{{t.benefit}}">{{benefit}}</td>
        <td data-label="{{t.colFlat}}">{{flat}}</td>
        <td data-label="{{t.colSubmitted}}">{{since}}</td>
        <td data-label="{{t.state}}">{{state}}</td>
        </tr>
        {{/items}}
        </tbody>
        </table>
        </div>
        {{/hasItems}}
        {{^hasItems}}<p>{{t.reviewEmpty}}</p>{{/hasItems}}
        {{/content}}{{/layout}}
        """

    static let suggestion = """
        {{<layout}}{{$content}}
        <p><a href="{{backHref}}">{{backLabel}}</a></p>
        <h1>{{heading}}</h1>
        <p>{{t.state}}: <strong>{{state}}</strong> ({{t.since}} {{stateDate}}){{#assigned}} · <span class="badge">{{t.assignedBadge}}</span>{{/assigned}}</p>
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        {{#hasSheet}}<p><a class="button secondary" href="/suggestions/{{id}}/sheet">{{t.openSheet}}</a></p>{{/hasSheet}}

        {{#cost}}
        <h2>{{t.costHeading}}</h2>
        <p class="{{verdictClass}}">{{t.colVerdict}}: {{verdict}}</p>
        {{>costFacts}}
        {{#tolerance}}<p class="warn">{{t.toleranceNote}}</p>{{/tolerance}}
        {{#hasNotes}}<h3>{{t.notesHeading}}</h3><ul>{{#notes}}<li>{{.}}</li>{{/notes}}</ul>{{/hasNotes}}
        {{/cost}}

        {{#decide}}
        <h2>{{t.decisionHeading}}</h2>
        <form method="post" action="/suggestions/{{id}}/approve" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <h3>{{t.approveHeading}}</h3>
        <p><label for="approve-date">{{t.decisionDate}}</label><input id="approve-date" name="date" type="date" value="{{today}}" required></p>
        <p><label for="approve-note">{{t.approveNote}}</label><textarea id="approve-note" name="note" rows="3"></textarea></p>
        <p><button type="submit">{{t.approveButton}}</button></p>
        </form>
        <form method="post" action="/suggestions/{{id}}/reject" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <h3>{{t.rejectHeading}}</h3>
        <p><label for="reject-date">{{t.decisionDate}}</label><input id="reject-date" name="date" type="date" value="{{today}}" required></p>
        <p><label for="reject-reason">{{t.rejectReason}}</label><select id="reject-reason" name="reason" required>
        <option value="">{{t.choose}}</option>
        {{#reasons}}<option value="{{value}}">{{label}}</option>{{/reasons}}
        </select></p>
        <p><label for="reject-text">{{t.rejectText}}</label><textarea id="reject-text" name="text" rows="3" required></textarea></p>
        <p><button type="submit" class="danger">{{t.rejectButton}}</button></p>
        </form>
        {{/decide}}

        {{#move}}
        <h2>{{t.moveHeading}}</h2>
        <form method="post" action="/suggestions/{{id}}/move" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <fieldset><legend>{{t.moveWhat}}</legend><div class="choice">
        {{#steps}}<span><input type="radio" id="step-{{value}}" name="state" value="{{value}}" required><label for="step-{{value}}">{{label}}</label></span>{{/steps}}
        </div></fieldset>
        <p><label for="move-date">{{t.date}}</label><input id="move-date" name="date" type="date" value="{{today}}" required></p>
        <p><label for="move-note">{{t.moveNote}}</label><textarea id="move-note" name="note" rows="2"></textarea></p>
        <p><button type="submit">{{t.save}}</button></p>
        </form>
        {{/move}}

        <h2>{{t.householdHeading}}</h2>
        {{>householdFacts}}

        <h2>{{t.flatHeading}}</h2>
        <dl class="facts">{{#flat}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/flat}}</dl>

        {{#explanation}}
        <h2>{{t.explanationHeading}}</h2>
        <h3>{{t.checksHeading}}</h3>
        <ul class="cards">{{#checks}}<li class="card"><span class="{{#passed}}ok{{/passed}}{{^passed}}bad{{/passed}}" aria-hidden="true">{{mark}}</span> <strong>{{name}}</strong> ({{result}}): <span lang="{{detailLanguage}}">{{detail}}</span></li>{{/checks}}</ul>
        <h3>{{t.scoreHeading}} {{score}}</h3>
        <table class="responsive">
        <thead><tr><th scope="col">{{t.component}}</th><th scope="col" class="num">{{t.value}}</th><th scope="col" class="num">{{t.weight}}</th><th scope="col" class="num">{{t.contribution}}</th><th scope="col">{{t.detailLabel}}</th></tr></thead>
        <tbody>{{#components}}<tr><td data-label="{{t.component}}">{{name}}</td><td class="num" data-label="{{t.value}}">{{value}}</td><td class="num" data-label="{{t.weight}}">{{weight}}</td><td class="num" data-label="{{t.contribution}}">{{contribution}}</td><td data-label="{{t.detailLabel}}" lang="{{detailLanguage}}">{{detail}}</td></tr>{{/components}}</tbody>
        </table>
        <p>{{t.priorityLabel}} {{priority}} ({{t.urgencyLabel}} {{urgency}})</p>
        {{#hasTrips}}
        <h3>{{t.tripsHeading}}</h3>
        <p class="hint">{{t.tripsHint}}</p>
        <table class="responsive">
        <thead><tr><th scope="col">{{t.place}}</th><th scope="col">{{t.kind}}</th><th scope="col" class="num">{{t.minutes}}</th><th scope="col">{{t.mode}}</th><th scope="col" class="num">km</th><th scope="col" class="num">{{t.daysPerWeek}}</th></tr></thead>
        <tbody>{{#trips}}<tr><td data-label="{{t.place}}">{{anchor}}</td><td data-label="{{t.kind}}">{{kind}}</td><td class="num" data-label="{{t.minutes}}">{{minutes}}</td><td data-label="{{t.mode}}">{{mode}}</td><td class="num" data-label="km">{{km}}</td><td class="num" data-label="{{t.daysPerWeek}}">{{days}}</td></tr>{{/trips}}</tbody>
        </table>
        {{/hasTrips}}
        <p class="hint">{{versions}}</p>
        {{/explanation}}

        <h2>{{t.historyHeading}}</h2>
        <ol class="timeline">{{#history}}<li><strong>{{date}}</strong> · {{#from}}{{.}} → {{/from}}{{to}} · {{actor}}{{#reason}} · {{t.rejectReason}}: {{.}}{{/reason}}{{#note}}<br>{{.}}{{/note}}</li>{{/history}}</ol>
        {{/content}}{{/layout}}
        """

    /// What a cost decision rests on; shared by the suggestion page and the sheet.
    static let costFacts = """
        <dl class="facts">
        <dt>{{t.limit}}</dt><dd>{{limit}}</dd>
        <dt>{{t.grossColdRent}}</dt><dd>{{gross}}{{#net}} <span class="muted">= {{net}} {{t.netColdRent}} + {{operating}} {{t.operatingCosts}}</span>{{/net}}</dd>
        <dt>{{headroomLabel}}</dt><dd class="{{headroomClass}}">{{headroom}}</dd>
        <dt>{{t.heating}}</dt><dd class="{{heatingClass}}">{{heating}}</dd>
        {{#region}}<dt>{{t.comparisonRegion}}</dt><dd>{{.}}</dd>{{/region}}
        {{#table}}<dt>{{t.costTableLabel}}</dt><dd>{{.}}</dd>{{/table}}
        </dl>
        """

    /// The household as the job centre may see it: no names.
    static let householdFacts = """
        <dl class="facts">
        <dt>{{t.colCase}}</dt><dd>{{#householdHref}}<a href="{{.}}">{{reference}}</a>{{/householdHref}}{{^householdHref}}{{reference}}{{/householdHref}}</dd>
        <dt>{{t.persons}}</dt><dd>{{persons}}</dd>
        <dt>{{t.ages}}</dt><dd>{{ages}}</dd>
        <dt>{{t.benefit}}</dt><dd>{{benefit}}</dd>
        {{#granted}}<dt>{{t.otherZusicherung}}</dt><dd class="warn">{{.}}</dd>{{/granted}}
        </dl>
        """

    static let sheet = """
        {{<layout}}{{$content}}
        <p class="noprint"><a href="/suggestions/{{id}}">{{t.backToSuggestion}}</a> · {{t.printHint}}</p>
        <article class="sheet">
        <p>{{t.sheetIssuer}}</p>
        <h1>{{t.sheetHeading}}</h1>
        <p>{{t.sheetIntro}}</p>
        <h2>{{t.householdHeading}}</h2>
        {{>householdFacts}}
        <h2>{{t.flatHeading}}</h2>
        <dl class="facts">{{#flat}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/flat}}</dl>
        {{#cost}}
        <h2>{{t.costHeading}}</h2>
        <p>{{t.colVerdict}}: {{verdict}}</p>
        {{>costFacts}}
        {{/cost}}
        <h2>{{t.sheetDecision}}</h2>
        <dl class="facts">
        <dt>{{t.sheetApprovedOn}}</dt><dd>{{approvedOn}}</dd>
        <dt>{{t.sheetApprovedBy}}</dt><dd>{{approvedBy}}</dd>
        {{#hasNote}}<dt>{{t.remarks}}</dt><dd>{{note}}</dd>{{/hasNote}}
        <dt>{{t.sheetSuggestion}}</dt><dd>{{id}}</dd>
        </dl>
        <p>{{t.sheetValidity}}</p>
        <div class="signature"><p>{{t.sheetPlaceDate}}</p><p>{{t.sheetSignature}}</p></div>
        <p class="muted">{{t.sheetPrinted}} {{printedOn}}</p>
        </article>
        {{/content}}{{/layout}}
        """
}
