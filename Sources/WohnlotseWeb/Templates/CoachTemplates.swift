/// The coach's pages: agenda, households, a household, the visit form.
enum CoachTemplates {
    static let agenda = """
        {{<layout}}{{$content}}
        <h1>{{t.agendaTitle}} <span class="muted">{{today}}</span></h1>
        <p class="hint">{{t.agendaIntro}}</p>
        <h2>{{t.followUpsHeading}}</h2>
        <ul class="cards">
        {{#followUps}}<li class="card"><strong>{{kind}}</strong>: {{#href}}<a href="{{.}}">{{subject}}</a>{{/href}}{{^href}}{{subject}}{{/href}}<br><span class="warn">{{overdue}}</span> · {{t.due}} {{due}}</li>{{/followUps}}
        </ul>
        {{^followUps}}<p>{{t.noFollowUps}}</p>{{/followUps}}
        <h2>{{t.deadlinesHeading}}</h2>
        <ul class="cards">
        {{#deadlines}}<li class="card">{{#href}}<a href="{{.}}">{{reference}}</a>{{/href}}{{^href}}{{reference}}{{/href}} · {{stage}}<br><span class="{{class}}">{{left}}</span> · {{t.deadline}} {{deadline}}</li>{{/deadlines}}
        </ul>
        {{^deadlines}}<p>{{t.noDeadlines}}</p>{{/deadlines}}
        <h2>{{t.sessionsHeading}}</h2>
        <ul class="cards">
        {{#sessions}}<li class="card"><strong>{{date}} {{time}}</strong> · {{course}} · {{place}}<br>{{modules}}<br><a href="{{href}}">{{t.recordAttendance}}</a></li>{{/sessions}}
        </ul>
        {{^sessions}}<p>{{t.noSessions}}</p>{{/sessions}}
        <h2>{{t.certificatesHeading}}</h2>
        <ul class="cards">
        {{#certificates}}<li class="card">{{name}} ({{#href}}<a href="{{.}}">{{reference}}</a>{{/href}}{{^href}}{{reference}}{{/href}}) · {{course}} · {{earnedOn}}</li>{{/certificates}}
        </ul>
        {{^certificates}}<p>{{t.noCertificates}}</p>{{/certificates}}
        <p><a href="/households">{{t.allHouseholds}}</a> ({{caseCount}})</p>
        {{/content}}{{/layout}}
        """

    static let households = """
        {{<layout}}{{$content}}
        <h1>{{t.householdsTitle}}</h1>
        <form method="get" action="/households" class="inline">
        <p><label for="stage">{{t.stage}}</label><select id="stage" name="stage"><option value="">{{t.allStages}}</option>
        {{#stages}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/stages}}</select></p>
        <p><button type="submit" class="secondary">{{t.filter}}</button></p>
        </form>
        {{#hasRows}}
        <table class="responsive">
        <caption>{{t.householdsCaption}}</caption>
        <thead><tr><th scope="col">{{t.colCase}}</th><th scope="col">{{t.stage}}</th><th scope="col">{{t.deadline}}</th><th scope="col" class="num">{{t.persons}}</th><th scope="col">{{t.coach}}</th><th scope="col">{{t.opened}}</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td data-label="{{t.colCase}}"><a href="{{href}}">{{reference}}</a></td><td data-label="{{t.stage}}">{{stage}}</td>
        <td data-label="{{t.deadline}}">{{deadline}}{{#left}} <span class="{{class}}">({{.}})</span>{{/left}}</td><td class="num" data-label="{{t.persons}}">{{persons}}</td>
        <td data-label="{{t.coach}}">{{coach}}</td><td data-label="{{t.opened}}">{{opened}}</td></tr>{{/rows}}
        </tbody>
        </table>
        {{/hasRows}}
        {{^hasRows}}<p>{{#filtered}}{{t.noHouseholdsInStage}}{{/filtered}}{{^filtered}}{{t.noHouseholds}}{{/filtered}}</p>{{/hasRows}}
        {{/content}}{{/layout}}
        """

    static let household = """
        {{<layout}}{{$content}}
        <p><a href="/households">{{t.backToHouseholds}}</a></p>
        <h1>{{t.colCase}} {{reference}}</h1>
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        <p class="actions"><a class="button" href="/households/{{id}}/visit">{{t.logVisit}}</a></p>
        <dl class="facts">{{#facts}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/facts}}</dl>

        <h2>{{t.moveStageHeading}}</h2>
        <form method="post" action="/households/{{id}}/stage" class="inline">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <p><label for="new-stage">{{t.newStage}}</label><select id="new-stage" name="stage" required>{{#stages}}<option value="{{value}}">{{label}}</option>{{/stages}}</select></p>
        <p><label for="stage-date">{{t.date}}</label><input id="stage-date" name="date" type="date" value="{{today}}" required></p>
        <p><label for="stage-note">{{t.stageNote}}</label><input id="stage-note" name="note"></p>
        <p><button type="submit">{{t.moveStageButton}}</button></p>
        </form>

        <h2>{{t.membersHeading}}</h2>
        <table class="responsive">
        <thead><tr><th scope="col">{{t.name}}</th><th scope="col">{{t.born}}</th><th scope="col" class="num">{{t.age}}</th><th scope="col">{{t.memberRole}}</th></tr></thead>
        <tbody>{{#members}}<tr><td data-label="{{t.name}}">{{name}}</td><td data-label="{{t.born}}">{{born}}</td><td class="num" data-label="{{t.age}}">{{age}}</td><td data-label="{{t.memberRole}}">{{role}}</td></tr>{{/members}}</tbody>
        </table>

        <h2>{{t.placesHeading}}</h2>
        {{#hasAnchors}}
        <table class="responsive">
        <caption>{{t.placesCaption}}</caption>
        <thead><tr><th scope="col">{{t.mark}}</th><th scope="col">{{t.place}}</th><th scope="col">{{t.kind}}</th><th scope="col">{{t.who}}</th><th scope="col" class="num">{{t.daysPerWeek}}</th>{{#flats}}<th scope="col" class="num">{{mark}}</th>{{/flats}}</tr></thead>
        <tbody>{{#anchors}}<tr><td data-label="{{t.mark}}">{{mark}}</td><td data-label="{{t.place}}">{{label}}<br><span class="muted">{{address}}</span></td><td data-label="{{t.kind}}">{{kind}}</td><td data-label="{{t.who}}">{{member}}</td><td class="num" data-label="{{t.daysPerWeek}}">{{days}}</td>{{#distances}}<td class="num" data-label="{{t.distance}} {{mark}}">{{km}}</td>{{/distances}}</tr>{{/anchors}}</tbody>
        </table>
        {{#hasFlats}}<p class="hint">{{t.distanceHint}} {{#flats}}{{mark}} = {{label}}; {{/flats}}</p>{{/hasFlats}}
        {{/hasAnchors}}
        {{^hasAnchors}}<p>{{t.noPlaces}}</p>{{/hasAnchors}}
        {{#map.hasPoints}}
        <figure>
        <svg class="map" viewBox="0 0 320 200" role="img" aria-labelledby="map-title"><title id="map-title">{{t.mapTitle}}</title>
        {{#map.points}}{{#isFlat}}<rect x="{{rx}}" y="{{ry}}" width="12" height="12" fill="#a3131f" stroke="#1a1a1a"/>{{/isFlat}}{{^isFlat}}<circle cx="{{x}}" cy="{{y}}" r="6" fill="#0b5394" stroke="#1a1a1a"/>{{/isFlat}}<text x="{{tx}}" y="{{ty}}" fill="#1a1a1a">{{mark}}</text>{{/map.points}}
        </svg>
        <figcaption class="hint">{{t.mapCaption}} {{map.scale}}</figcaption>
        </figure>
        {{/map.hasPoints}}

        <h2 id="suggestions">{{t.suggestionsHeading}}</h2>
        {{#hasSuggestions}}
        <ul class="cards">
        {{#suggestions}}<li class="card">
        <h3><a href="/suggestions/{{id}}">{{t.suggestion}} {{id}}</a> · {{flat}}</h3>
        <p>{{gross}} · <span class="{{verdictClass}}">{{verdict}}</span> · {{t.rank}} {{rank}}{{#assigned}} · <span class="badge">{{t.assignedBadge}}</span>{{/assigned}}<br>{{t.state}}: <strong>{{state}}</strong> ({{t.since}} {{since}})</p>
        {{#hasSteps}}<form method="post" action="/suggestions/{{id}}/move" class="inline">
        <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="from" value="household">
        <p><label for="step-{{id}}">{{t.outcome}}</label><select id="step-{{id}}" name="state" required>{{#steps}}<option value="{{value}}">{{label}}</option>{{/steps}}</select></p>
        <p><label for="step-date-{{id}}">{{t.date}}</label><input id="step-date-{{id}}" name="date" type="date" value="{{today}}" required></p>
        <p><button type="submit">{{t.save}}</button></p>
        </form>{{/hasSteps}}
        </li>{{/suggestions}}
        </ul>
        {{/hasSuggestions}}
        {{^hasSuggestions}}<p>{{t.noSuggestions}}</p>{{/hasSuggestions}}

        <h2>{{t.coursesHeading}}</h2>
        {{#hasCourses}}
        <ul class="cards">{{#courses}}<li class="card"><strong>{{member}}</strong> · {{course}}<br>{{t.modulesAttended}} {{attended}} · <span class="{{#earned}}ok{{/earned}}">{{certificate}}</span>
        <ul>{{#sessions}}<li>{{.}}</li>{{/sessions}}</ul></li>{{/courses}}</ul>
        {{/hasCourses}}
        {{^hasCourses}}<p>{{t.noCourses}}</p>{{/hasCourses}}

        <h2>{{t.visitsHeading}}</h2>
        <ol class="timeline">{{#visits}}<li><strong>{{date}}</strong> · {{kind}} · {{minutes}} {{t.minutesShort}}{{#topics}} · {{.}}{{/topics}}{{#note}}<br>{{.}}{{/note}}{{#followUp}}<br>{{t.followUpDate}}: {{.}}{{/followUp}}</li>{{/visits}}</ol>
        {{^visits}}<p>{{t.noVisits}}</p>{{/visits}}

        <h2>{{t.stageHistoryHeading}}</h2>
        <ol class="timeline">{{#history}}<li><strong>{{date}}</strong> · {{#from}}{{.}} → {{/from}}{{to}} · {{actor}}{{#note}}<br>{{.}}{{/note}}</li>{{/history}}</ol>
        {{/content}}{{/layout}}
        """

    static let visit = """
        {{<layout}}{{$content}}
        <p><a href="/households/{{id}}">{{t.backToCase}} {{reference}}</a></p>
        <h1>{{t.logVisit}} · {{reference}}</h1>
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        <form method="post" action="/households/{{id}}/visits" class="stack">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <fieldset><legend>{{t.visitKind}}</legend><div class="choice">
        {{#kinds}}<span><input type="radio" id="kind-{{value}}" name="kind" value="{{value}}"{{#checked}} checked{{/checked}}><label for="kind-{{value}}">{{label}}</label></span>{{/kinds}}
        </div></fieldset>
        <p><label for="visit-date">{{t.date}}</label><input id="visit-date" name="date" type="date" value="{{date}}" required></p>
        <p><label for="visit-minutes">{{t.durationMinutes}}</label><input id="visit-minutes" name="minutes" type="number" inputmode="numeric" min="1" max="720" value="{{minutes}}" required></p>
        <p><label for="visit-topics">{{t.topics}}</label><input id="visit-topics" name="topics" value="{{topics}}" aria-describedby="topics-hint"><span id="topics-hint" class="hint">{{t.topicsHint}}</span></p>
        <p><label for="visit-note">{{t.note}}</label><textarea id="visit-note" name="note" rows="4" aria-describedby="note-hint">{{note}}</textarea><span id="note-hint" class="hint">{{t.noteHint}}</span></p>
        <p><label for="visit-follow-up">{{t.followUpOptional}}</label><input id="visit-follow-up" name="followUp" type="date" value="{{followUp}}"></p>
        <p><button type="submit">{{t.saveVisit}}</button></p>
        </form>
        {{/content}}{{/layout}}
        """

    static let courses = """
        {{<layout}}{{$content}}
        <h1>{{t.coursesTitle}}</h1>
        {{#courses}}
        <h2>{{title}}</h2>
        <p class="hint">{{t.requiredModules}}: {{required}}</p>
        {{#hasSessions}}
        <table class="responsive">
        <thead><tr><th scope="col">{{t.date}}</th><th scope="col">{{t.placeAndTrainer}}</th><th scope="col">{{t.modules}}</th><th scope="col" class="num">{{t.capacity}}</th><th scope="col">{{t.attendance}}</th></tr></thead>
        <tbody>{{#sessions}}<tr><td data-label="{{t.date}}">{{date}} {{time}}</td><td data-label="{{t.placeAndTrainer}}">{{place}} · {{trainer}} · {{language}}</td><td data-label="{{t.modules}}">{{modules}}</td><td class="num" data-label="{{t.capacity}}">{{capacity}}</td><td data-label="{{t.attendance}}"><a href="{{href}}">{{t.recordAttendance}}</a></td></tr>{{/sessions}}</tbody>
        </table>
        {{/hasSessions}}
        {{^hasSessions}}<p>{{t.noSessionsPlanned}}</p>{{/hasSessions}}
        {{/courses}}
        {{^hasCourses}}<p>{{t.noCoursesYet}}</p>{{/hasCourses}}
        {{/content}}{{/layout}}
        """

    static let attendance = """
        {{<layout}}{{$content}}
        <p><a href="/courses">{{t.backToCourses}}</a></p>
        <h1>{{t.attendance}} · {{course}}</h1>
        <p>{{date}} {{time}} · {{place}}<br>{{modules}}<br>{{capacity}}</p>
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        {{#hasGroups}}
        <form method="post" action="/sessions/{{id}}/attendance" class="stack">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#groups}}
        <h2>{{reference}}</h2>
        {{#members}}
        <fieldset><legend>{{name}}</legend><div class="choice">
        {{#options}}<span><input type="radio" id="m{{id}}-{{key}}" name="member-{{id}}" value="{{value}}"{{#checked}} checked{{/checked}}><label for="m{{id}}-{{key}}">{{label}}</label></span>{{/options}}
        </div></fieldset>
        {{/members}}
        {{/groups}}
        <p><button type="submit">{{t.saveAttendance}}</button></p>
        </form>
        {{/hasGroups}}
        {{^hasGroups}}<p>{{t.noParticipants}}</p>{{/hasGroups}}
        {{/content}}{{/layout}}
        """

    static let landlords = """
        {{<layout}}{{$content}}
        <h1>{{t.landlordsTitle}}</h1>
        {{#hasRows}}
        <table class="responsive">
        <thead><tr><th scope="col">{{t.name}}</th><th scope="col">{{t.kind}}</th><th scope="col">{{t.openness}}</th></tr></thead>
        <tbody>{{#rows}}<tr><td data-label="{{t.name}}"><a href="{{href}}">{{name}}</a></td><td data-label="{{t.kind}}">{{kind}}</td><td data-label="{{t.openness}}"><span class="{{class}}">{{openness}}</span></td></tr>{{/rows}}</tbody>
        </table>
        {{/hasRows}}
        {{^hasRows}}<p>{{t.noLandlords}}</p>{{/hasRows}}
        {{/content}}{{/layout}}
        """

    static let landlord = """
        {{<layout}}{{$content}}
        <p><a href="/landlords">{{t.backToLandlords}}</a></p>
        <h1>{{name}}</h1>
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        <dl class="facts">{{#facts}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/facts}}</dl>
        {{#canLog}}
        <h2>{{t.logContactHeading}}</h2>
        <form method="post" action="/landlords/{{id}}/contacts" class="stack">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <fieldset><legend>{{t.channel}}</legend><div class="choice">
        {{#channels}}<span><input type="radio" id="channel-{{value}}" name="channel" value="{{value}}"{{#checked}} checked{{/checked}}><label for="channel-{{value}}">{{label}}</label></span>{{/channels}}
        </div></fieldset>
        <p><label for="contact-date">{{t.date}}</label><input id="contact-date" name="date" type="date" value="{{date}}" required></p>
        <p><label for="contact-outcome">{{t.contactOutcome}}</label><textarea id="contact-outcome" name="outcome" rows="3" required>{{outcome}}</textarea></p>
        <p><label for="contact-follow-up">{{t.followUpOptional}}</label><input id="contact-follow-up" name="followUp" type="date" value="{{followUp}}"></p>
        <p><button type="submit">{{t.saveContact}}</button></p>
        </form>
        {{/canLog}}
        <h2>{{t.contactsHeading}}</h2>
        <ol class="timeline">{{#contacts}}<li><strong>{{date}}</strong> · {{channel}} · {{by}}<br>{{outcome}}{{#followUp}}<br>{{t.followUpDate}}: {{.}}{{/followUp}}</li>{{/contacts}}</ol>
        {{^contacts}}<p>{{t.noContacts}}</p>{{/contacts}}
        {{/content}}{{/layout}}
        """
}
