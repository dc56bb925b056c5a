/// The one stylesheet, served from the binary at `/static/style.css`. Mobile first (works from
/// 320 px), large touch targets, a visible focus ring, contrast of at least 4.5:1 everywhere, and
/// a print layout for the approval sheet.
enum Stylesheet {
    static let css = """
        :root { --ink: #1a1a1a; --muted: #4a4a4a; --line: #8a8a8a; --soft: #f2f4f5; --accent: #0b5394; --accent-ink: #ffffff;
          --ok: #1d6b2f; --warn: #8a4b00; --bad: #a3131f; --focus: #ffbf47; }
        * { box-sizing: border-box; }
        html { font-size: 100%; -webkit-text-size-adjust: 100%; }
        body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
          line-height: 1.5; color: var(--ink); background: #fff; }
        a { color: var(--accent); text-underline-offset: 0.15em; }
        a:hover { color: #073763; }
        :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--ink); }
        .skip { position: absolute; left: -999px; top: 0; background: var(--ink); color: #fff; padding: 0.5rem 1rem; z-index: 10; }
        .skip:focus { left: 0; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
        header.top { background: var(--accent); color: var(--accent-ink); padding: 0.5rem 1rem; display: flex; flex-wrap: wrap;
          align-items: center; gap: 0.25rem 1rem; }
        header.top a, header.top .link { color: var(--accent-ink); }
        .brand { margin: 0; font-weight: 700; font-size: 1.15rem; }
        .brand a { text-decoration: none; }
        nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0 0.25rem; }
        nav a { display: inline-block; padding: 0.5rem 0.5rem; min-height: 44px; text-decoration: none; }
        nav a[aria-current="page"] { text-decoration: underline; text-decoration-thickness: 3px; font-weight: 700; }
        .signout { margin: 0 0 0 auto; display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; }
        .who { font-size: 0.9rem; }
        main { padding: 1rem; max-width: 70rem; margin: 0 auto; }
        main:focus { outline: none; }
        footer { padding: 1rem; border-top: 1px solid var(--line); max-width: 70rem; margin: 2rem auto 0; font-size: 0.95rem; }
        h1 { font-size: 1.5rem; line-height: 1.25; margin: 0.5rem 0 1rem; }
        h2 { font-size: 1.2rem; margin: 1.75rem 0 0.5rem; border-bottom: 2px solid var(--soft); padding-bottom: 0.25rem; }
        h3 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
        .notice { background: #e7f1fb; border-left: 4px solid var(--accent); padding: 0.75rem 1rem; }
        .error { background: #fbeaec; border-left: 4px solid var(--bad); padding: 0.75rem 1rem; color: var(--bad); font-weight: 600; }
        .hint, .muted { color: var(--muted); font-size: 0.95rem; }
        .detail { font-family: ui-monospace, monospace; font-size: 0.9rem; color: var(--muted); }
        label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
        fieldset { border: 1px solid var(--line); padding: 0.75rem 1rem; margin: 0 0 1rem; }
        legend { font-weight: 700; padding: 0 0.25rem; }
        fieldset label, .choice label { display: inline; font-weight: 400; }
        .choice { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
        .choice span { display: inline-flex; align-items: center; gap: 0.35rem; min-height: 44px; }
        input, select, textarea, button { font: inherit; color: inherit; }
        input[type=text], input:not([type]), input[type=password], input[type=number], input[type=date], select, textarea {
          width: 100%; max-width: 30rem; padding: 0.55rem 0.6rem; border: 2px solid var(--ink); border-radius: 4px; background: #fff; min-height: 44px; }
        input[type=radio], input[type=checkbox] { width: 1.35rem; height: 1.35rem; accent-color: var(--accent); }
        textarea { min-height: 6rem; }
        button, .button { display: inline-block; min-height: 44px; padding: 0.55rem 1.1rem; border: 2px solid var(--accent); border-radius: 4px;
          background: var(--accent); color: var(--accent-ink); font-weight: 600; cursor: pointer; text-decoration: none; }
        button.secondary, .button.secondary { background: #fff; color: var(--accent); }
        button.danger { background: var(--bad); border-color: var(--bad); }
        button.link { background: none; border: none; padding: 0.5rem; text-decoration: underline; font-weight: 400; min-height: 44px; }
        .stack > p { margin: 0 0 1rem; }
        .narrow { max-width: 26rem; }
        .inline { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-end; margin: 0.5rem 0; }
        .inline p { margin: 0; }
        .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 1rem 0; }
        .cards { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.75rem; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; }
        .card h3 { margin-top: 0; }
        dl.facts { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: 0.25rem 1rem; margin: 0; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; }
        table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
        caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
        /* A table wider than the page (the review queue on a desktop) scrolls inside the page, not the page itself. */
        .table-scroll { overflow-x: auto; }
        th, td { text-align: left; vertical-align: top; padding: 0.45rem 0.5rem; border-bottom: 1px solid var(--line); }
        th { background: var(--soft); }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .ok { color: var(--ok); font-weight: 700; }
        .warn { color: var(--warn); font-weight: 700; }
        .bad { color: var(--bad); font-weight: 700; }
        .badge { display: inline-block; padding: 0 0.4rem; border: 1px solid currentColor; border-radius: 3px; font-size: 0.9rem; }
        .timeline { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--soft); }
        .timeline li { padding: 0 0 1rem 1rem; position: relative; }
        .timeline li::before { content: ""; position: absolute; left: -0.5rem; top: 0.45rem; width: 0.7rem; height: 0.7rem; border-radius: 50%;
          background: var(--accent); }
        .map { width: 100%; max-width: 26rem; height: auto; border: 1px solid var(--line); background: var(--soft); }
        .map text { font-size: 11px; font-family: inherit; }
        /* Narrow screens: each table row becomes a card, each cell names its column. */
        @media (max-width: 40rem) {
          table.responsive thead { position: absolute; left: -9999px; }
          table.responsive, table.responsive tbody, table.responsive tr, table.responsive td { display: block; width: 100%; }
          table.responsive tr { border: 1px solid var(--line); border-radius: 6px; margin-bottom: 0.75rem; padding: 0.25rem 0.5rem; }
          table.responsive td { border: none; padding: 0.2rem 0; text-align: left; }
          table.responsive caption { display: block; }
          table.responsive td::before { content: attr(data-label); display: block; font-size: 0.85rem; color: var(--muted); font-weight: 600; }
          table.responsive td.num { text-align: left; }
          dl.facts { grid-template-columns: 1fr; }
          dl.facts dd { margin-bottom: 0.5rem; }
        }
        @media print {
          header.top, footer, .skip, .noprint, nav, form { display: none !important; }
          main { max-width: none; padding: 0; }
          body { font-size: 11pt; }
          a { color: inherit; text-decoration: none; }
          .sheet { border: none; }
        }
        .sheet { border: 1px solid var(--line); padding: 1.5rem; max-width: 50rem; }
        .sheet h1 { font-size: 1.35rem; }
        .signature { margin-top: 3rem; display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
        .signature p { border-top: 1px solid var(--ink); padding-top: 0.25rem; }
        """
}
