/**
 * What BENCHMARKS.md says under a missed target: why it is missed (from CPU profiles: `pnpm
 * --filter @cookietin/bench profile <server>` for the load servers, `node --cpu-prof` on a loop of
 * the micro case) and what would close it. Shown only for targets the run actually missed.
 */
import type { TargetResult } from './results.ts'

const NOTES: Array<{ match: (id: string) => boolean; text: string }> = [
  {
    match: (id) => id === 'parse-5' || id === 'parse-40' || id === 'parse-3k',
    text:
      '`parseCookies` (core/src/cookie/parse.ts) does what cookie@2 does in one `indexOf` pass, less per value: it finds `%` once per header rather than once per value, and takes a value without OWS, quotes or `%` as it stands. ' +
      'On one long value the two do the same three scans of it (`=`, `;`, `%`), so parse-3k sits at parity and a ratio just over 1.0 there is a round the shared machine disturbed (compare the min–max columns); `--clock cpu` steadies it.',
  },
  {
    match: (id) => id === 'serialize',
    text:
      '`serializeCookie` (core/src/cookie/serialize.ts) validates what cookie@2 does not (prefix rules, the path and domain grammar, SameSite and Priority ' +
      'normalised, the 4096-byte limit) and builds an `Attributes` object on every call before `serializeAttributes` reads it. ' +
      'Passing the options through without the copy, and checking `path` with the same lookup table in a tighter loop, brings it to cookie@2.',
  },
  {
    match: (id) => id === 'sign-floor' || id === 'sign-cookie-signature' || id === 'seal-floor',
    text:
      'The case times the public `signValue` and `verifyValue`, which return promises (two awaits per ' +
      'case); the floor and cookie-signature are synchronous calls. Inside, the node path is synchronous ' +
      'strings through node:crypto, but the token authenticates more than the floor does (the cookie ' +
      'name, the key id, issued-at and expires-at), verifying decodes the envelope strictly (canonical ' +
      'base64url, fatal UTF-8) to tell a malformed token from a forged one, and signing reads the clock. ' +
      'Sessions use the synchronous path without the promises (the load runs show that cost). Closing ' +
      'it for the public API would mean synchronous `signValueSync`/`verifyValueSync` exports.',
  },
  {
    match: (id) => id === 'verify-old-key',
    text: 'The key id in the token selects the key (`keyring.find`, a Map lookup); a miss here is noise: the two figures do the same work.',
  },
  {
    match: (id) => id === 'migrate-no-legacy',
    text:
      'Measured: begin + get + finish on a request with three unrelated cookies and no session, ' +
      'with and without three readers (cookie-session, koa-session, iron-session); the gap is about ' +
      '0.06 to 0.1 µs. Readers name their cookies (`cookieNames`), so a request without any pays one ' +
      "property lookup per name (four here) in the request's parsed cookies and nothing else: no " +
      'clock read, no reader call, no promise. That is under 0.5% of the session work a request pays ' +
      "in the load runs (the 'added CPU' columns), which no load figure resolves. Closing the micro " +
      'ratio itself would need the names checked inside the parse, which every app would pay for.',
  },
  {
    match: (id) => id === 'seal-iron',
    text: 'iron-webcrypto spends its time in PBKDF2 key stretching through Web Crypto on every seal and unseal; cookietin seal + unseal is now within 1.1x of the AES-GCM floor, so the ratio is set by iron-webcrypto and by how long its thread-pool round trips wait on a shared machine (28x to 40x across our runs). Nothing left on our side closes it: the floor itself is only about 45x faster than iron-webcrypto here.',
  },
  {
    match: (id) => id === 'web-vs-hono',
    text:
      'These compare against Web Crypto code whose cost is mostly thread-pool round trips; on a busy machine those round trips stretch with the queue of every ' +
      'other process, so read this ratio from a quiet run.',
  },
  {
    match: (id) => id === 'parse-linear',
    text:
      'The parser is one forward pass (no backtracking, `indexOf` only). Note that 1000x is below exact linearity (the header is 1024x larger), so a shape ' +
      'meets it only when per-call overhead is a visible part of the 1 KiB parse. Shapes that build few cookies land near 1024x (a 1 MiB string no longer ' +
      'fits in the caches the 1 KiB one stays in). Shapes that build tens of thousands of cookies go well past it: the result object goes to dictionary ' +
      'mode and its keys and values stay alive through every young-generation garbage collection of the parse, so the collector copies a growing set again ' +
      'and again, which is superlinear; cookie@2 shows the same in the same rounds (see the table). Node refuses request headers over 16 KB by default ' +
      '(`--max-http-header-size`), so a 1 MiB Cookie header never reaches the parser through node:http. Closing it: stop adding to the object past a cap ' +
      '(the apps need a few dozen cookies; `parseCookie(header, name)` already reads one cookie without building the object), and restate the target as ' +
      '≤ 1100x (linear within cache effects) for shapes under the cap.',
  },
  {
    match: (id) => /^load-(express|koa|hono|fastify|fetch)-(signed|sealed)-floor$/.test(id),
    text:
      "Each of these is against the same framework's floor, so what the framework makes any session " +
      'middleware pay is on both sides. Since the redesign the adapters hold nothing on the node ' +
      "back-end (Express commits inside the response's `writeHead`), so what remains is work the floor " +
      'does not do: a `Vary: Cookie` header on every response that read the session, the whole Cookie ' +
      'header parsed and searched for chunks (`session.0`, ...), the key id looked up, a MAC or AAD ' +
      'over the cookie name, key id and both times, change detection (the payload serialized and ' +
      'compared with what was loaded), `Max-Age` plus `Expires` on the permanent session, and one ' +
      '`Session`, `CookieJar` and `RequestScope` per request (garbage collection is 12-14% of the ' +
      'Express profile). Express also pays an `on-headers` wrapper per response, where the floor hooks ' +
      "the app's response prototype once, which the adapter must not do. Closing it: read only the " +
      'session cookie instead of parsing the whole header, skip the change-detection JSON when every ' +
      'write went through `set`, and allocate the jar and scope lazily. Profile a pair with ' +
      '`pnpm --filter @cookietin/bench profile express/cookietin-signed 5` and `express/floor-signed`.',
  },
  {
    match: (id) => /^load-(express|koa|hono|fastify|fetch)-best-peer$/.test(id),
    text:
      "Read this with the best peer's own ratio to the floor (the '/ floor of the kind' column of that framework's table): a peer under 2x its floor can only be beaten 2x by a session layer under the floor itself, which the floor targets show no middleware reaches. " +
      'express-session and @fastify/session keep the session in memory and sign only an id; cookie-session and koa-session sign with one SHA-1 or SHA-256 HMAC through keygrip; @fastify/secure-session seals with libsodium’s secretbox, native code with no key lookup, no expiry inside the sealed data and no chunking; none of the others looks keys up by id or seals, so their work per request can sit close to the floor’s.',
  },
]

export function missNotes(missed: readonly TargetResult[]): string[] {
  const out: string[] = []
  for (const note of NOTES) {
    const which = missed.filter((t) => note.match(t.id))
    if (which.length > 0) out.push(`${which.map((t) => `*${t.title}*`).join('; ')}: ${note.text}`)
  }
  return out
}
