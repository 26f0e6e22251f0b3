import { html, raw, type Html } from './html';

/**
 * The console's one layout: a header with the nav, the page's own body, one small stylesheet
 * inlined (no build step, no second request). Pages work without JavaScript: every action is a
 * plain form.
 */

export interface NavItem {
  href: string;
  label: string;
}

/** Every page the console serves; the reports (src/console/reports) add charts under /console/reports. */
export const nav: readonly NavItem[] = [
  { href: '/console', label: 'Status' },
  { href: '/console/conflicts', label: 'Conflicts' },
  { href: '/console/failed', label: 'Failed runs' },
  { href: '/console/students', label: 'Students' },
  { href: '/console/reports', label: 'Reports' },
];

const css = `
:root { font-family: system-ui, sans-serif; color: #1d232a; background: #f6f7f9; }
body { margin: 0; }
header { background: #22313f; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.2rem; align-items: center; flex-wrap: wrap; }
header a { color: #fff; text-decoration: none; }
header a:hover, header a[aria-current] { text-decoration: underline; }
header .brand { font-weight: 600; margin-right: 1rem; }
header form { margin-left: auto; }
main { padding: 1rem 1.2rem 3rem; max-width: 80rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; background: #fff; margin: .5rem 0; min-width: 30rem; }
th, td { border: 1px solid #d5d9de; padding: .3rem .6rem; text-align: left; vertical-align: top; font-size: .92rem; }
th { background: #eceff3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #1f7a3a; } .failed { color: #b3261e; font-weight: 600; } .waiting { color: #9a6700; }
.notice { background: #e8f3ff; border: 1px solid #9cc6f0; padding: .5rem .8rem; margin: .5rem 0; }
.error { background: #fdecea; border: 1px solid #f1aaa4; padding: .5rem .8rem; margin: .5rem 0; }
form.inline { display: inline; }
button { cursor: pointer; }
code, .mono { font-family: ui-monospace, monospace; font-size: .88rem; }
`;

/**
 * A whole page. `title` is text (escaped); `body` is markup from `html`. `current` marks the nav
 * entry of the page (its href); `loggedOut` (the login form) drops the nav and the log-out button.
 */
export function page(title: string, body: Html, options: { current?: string; loggedOut?: boolean } = {}): string {
  const links = nav.map((item) => (item.href === options.current ? html`<a href="${item.href}" aria-current="page">${item.label}</a>` : html`<a href="${item.href}">${item.label}</a>`));
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Campus Bridge</title>
<style>${raw(css)}</style>
</head>
<body>
<header><span class="brand">Campus Bridge</span>${options.loggedOut ? '' : html`<nav>${links.map((l) => html`${l} `)}</nav>
<form method="post" action="/console/logout"><button type="submit">Log out</button></form>`}</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.text;
}
