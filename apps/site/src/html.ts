/**
 * The pages people see: small, server-rendered, no JavaScript. Every value that came from a user
 * (a username, a flashed message, a preference cookie) goes through `escapeHtml`.
 */
import type { Flash } from '@cookietin/core'
import type { HeldSession } from './held.ts'
import { stringifyJson } from './json.ts'

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes `& < > " '`, which makes text safe in element content and in quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char)
}

/** Preferences as the pages use them; values outside these are never rendered. */
export type Theme = 'light' | 'dark'

export interface Preferences {
  theme: Theme
  lang: string
}

export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({
  theme: 'light',
  lang: 'en',
})

interface LayoutOptions {
  title: string
  preferences?: Preferences | undefined
  user?: string | null | undefined
}

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
body.dark { background: #1d1f21; color: #e0e0e0; }
body.dark a { color: #8ab4f8; }
nav a, nav form { margin-right: 1rem; }
nav form, nav button { display: inline; }
.flash { padding: .5rem 1rem; border-left: 4px solid #4a90d9; background: rgba(74, 144, 217, .12); }
.flash.error { border-color: #d9534f; background: rgba(217, 83, 79, .12); }
.error { color: #d9534f; }
label { display: block; margin: .5rem 0; }
#held pre { background: rgba(127, 127, 127, .12); padding: .5rem; overflow-x: auto; }
#held dt { font-weight: bold; }
`

function layout(options: LayoutOptions, body: string): string {
  const preferences = options.preferences ?? DEFAULT_PREFERENCES
  const user = options.user
  const account = user
    ? `<span>Logged in as <strong>${escapeHtml(user)}</strong></span>
    <form method="post" action="/logout"><button type="submit">Log out</button></form>`
    : '<a href="/login">Log in</a>'
  return `<!doctype html>
<html lang="${escapeHtml(preferences.lang)}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(options.title)} · cookietin</title>
  <style>${STYLE}</style>
</head>
<body class="${escapeHtml(preferences.theme)}">
  <nav><a href="/">Home</a><a href="/protected">Protected</a>${account}</nav>
  <main>
${body}
  </main>
</body>
</html>
`
}

function renderFlashes(flashes: readonly Flash[]): string {
  if (flashes.length === 0) return ''
  const items = flashes.map(
    (flash) =>
      `    <p class="flash ${escapeHtml(flash.category)}" data-category="${escapeHtml(flash.category)}">${escapeHtml(flash.message)}</p>`,
  )
  return `  <section aria-label="Messages">\n${items.join('\n')}\n  </section>\n`
}

export interface HomePageOptions {
  user: string | null
  preferences: Preferences
  flashes: readonly Flash[]
  /** The session cookies this request carried, opened (`inspectHeldSession`); null: none. */
  held?: HeldSession | null | undefined
}

const time = (seconds: number | null) =>
  seconds === null ? 'none' : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')

/**
 * The session as the browser holds it and the server reads it: each cookie and its size, the
 * format, key id and times from the token, and the data. The mechanism, not only the result.
 */
function renderHeld(held: HeldSession | null | undefined): string {
  const heading =
    '  <section id="held" aria-labelledby="held-title">\n  <h2 id="held-title">What your browser holds</h2>\n'
  if (!held)
    return `${heading}  <p id="held-none">No session cookie yet: log in, flash a message or store data and it appears here.</p>\n  </section>\n`
  const rows = held.cookies
    .map(
      (cookie) =>
        `    <tr><td><code>${escapeHtml(cookie.name)}</code></td><td>${cookie.bytes} bytes</td></tr>`,
    )
    .join('\n')
  const total = held.cookies.reduce((sum, cookie) => sum + cookie.bytes, 0)
  const facts: [string, string, string][] = [
    ['held-format', 'Format', held.kind],
    ['held-key', 'Key id', held.keyId ?? 'none (Flask tokens carry none)'],
    ['held-issued', 'Issued', time(held.issuedAt)],
    ['held-expires', 'Expires', time(held.expiresAt)],
  ]
  const list = facts
    .map(([id, term, value]) => `    <dt>${term}</dt><dd id="${id}">${escapeHtml(value)}</dd>`)
    .join('\n')
  const data = held.valid
    ? `  <pre id="held-data">${escapeHtml(stringifyJson(held.session, 2))}</pre>\n`
    : `  <p id="held-invalid">The server ignores it: ${escapeHtml(held.reason ?? 'invalid')}.</p>\n`
  return `${heading}  <table id="held-cookies">
    <tr><th>Cookie</th><th>Size</th></tr>
${rows}
    <tr><td>${held.cookies.length} cookie${held.cookies.length === 1 ? '' : 's'}</td><td id="held-total">${total} bytes</td></tr>
  </table>
  <dl>
${list}
  </dl>
${data}  </section>\n`
}

/**
 * `GET /`: who is logged in, the flashed messages, the preferences form (and the logout form in the
 * nav).
 */
export function renderHomePage({ user, preferences, flashes, held }: HomePageOptions): string {
  const option = (value: string, label: string, current: string) =>
    `<option value="${escapeHtml(value)}"${value === current ? ' selected' : ''}>${escapeHtml(label)}</option>`
  const body = `${renderFlashes(flashes)}  <h1>cookietin</h1>
  <p id="user">${user ? `Hello, <strong>${escapeHtml(user)}</strong>.` : 'You are not logged in. <a href="/login">Log in</a> as alice or bob.'}</p>
  <h2>Preferences</h2>
  <p id="preferences">Theme: <strong>${escapeHtml(preferences.theme)}</strong>, language: <strong>${escapeHtml(preferences.lang)}</strong>.</p>
  <form method="post" action="/preferences">
    <label>Theme <select name="theme">${option('light', 'Light', preferences.theme)}${option('dark', 'Dark', preferences.theme)}</select></label>
    <label>Language <input name="lang" value="${escapeHtml(preferences.lang)}" pattern="[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}" maxlength="35" required></label>
    <button type="submit">Save</button>
  </form>
${renderHeld(held)}`
  return layout({ title: 'Home', preferences, user }, body)
}

export interface LoginPageOptions {
  /** Shown above the form, e.g. after a failed attempt. */
  error?: string | undefined
  /** Prefilled into the username field. */
  username?: string | undefined
  preferences?: Preferences | undefined
  user?: string | null | undefined
}

/** `GET /login`, and `POST /login` when it fails (401). */
export function renderLoginPage(options: LoginPageOptions = {}): string {
  const body = `  <h1>Log in</h1>
  ${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
  <form method="post" action="/login">
    <label>Username <input name="username" autocomplete="username" value="${escapeHtml(options.username ?? '')}" required></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">Log in</button>
  </form>
  <p>Demo users: alice / wonderland, bob / builder.</p>`
  return layout({ title: 'Log in', preferences: options.preferences, user: options.user }, body)
}

/** `GET /protected`: 200 with the user's name, or (with `user` null) the 401 page. */
export function renderProtectedPage(user: string | null, preferences?: Preferences): string {
  const body = user
    ? `  <h1>Protected</h1>\n  <p id="user">Only logged-in users see this page. You are <strong>${escapeHtml(user)}</strong>.</p>`
    : '  <h1>Log in required</h1>\n  <p>This page is for logged-in users. <a href="/login">Log in</a>.</p>'
  return layout({ title: user ? 'Protected' : 'Log in required', preferences, user }, body)
}

/** A short page for an HTML form refused with a 4xx, such as bad preferences. */
export function renderErrorPage(title: string, message: string, preferences?: Preferences): string {
  return layout(
    { title, preferences },
    `  <h1>${escapeHtml(title)}</h1>\n  <p class="error">${escapeHtml(message)}</p>\n  <p><a href="/">Back home</a></p>`,
  )
}

/** The body of a 303: browsers follow `Location`, this is for anything that does not. */
export function renderRedirectPage(location: string): string {
  return `<!doctype html>\n<p>See <a href="${escapeHtml(location)}">${escapeHtml(location)}</a>.</p>\n`
}
