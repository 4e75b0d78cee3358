/**
 * What BENCHMARKS.md says under a missed target: why it is missed (from CPU profiles:
 * `pnpm --filter @cookietin/bench profile <server>` for the load servers, `node --cpu-prof` on a loop of
 * the micro case) and what would close it. Shown only for targets the run actually missed.
 */
import type { TargetResult } from './results.ts'

const NOTES: Array<{ match: (id: string) => boolean; text: string }> = [
  {
    match: (id) => id === 'parse-5' || id === 'parse-40' || id === 'parse-3k',
    text:
      '`parseCookies` (core/src/cookie/parse.ts) is the same one-pass `indexOf` scan as cookie@2 and allocates the same strings, ' +
      'so the two are within noise of each other on a quiet machine; a ratio just over 1.0 is usually a round that the shared machine disturbed ' +
      '(compare the min–max columns). If it holds on a quiet run: `readValue` scans every value for `%` (`value.indexOf("%")`) after slicing it, ' +
      'where checking the header once for `%` before the loop would let values without escapes skip that scan.',
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
      'The two HMACs (or the AES-GCM pair) are about a third of `signValue` + `verifyValue` (core/src/crypto/sign.ts) on the node back-end; the profile puts the rest in ' +
      '`bindName` (envelope.ts: a template string through `TextEncoder.encode` on every sign and every verify), the JavaScript base64url loops ' +
      '(`encodeBase64Url`, `decodeBase64Url`: a string built 4 characters at a time, a closure per call), `packEnvelope` (another `TextEncoder.encode` ' +
      'and a `DataView`), and three or four `await`s of already-resolved promises (`keyring.current()`, `packEnvelope`, `signer.sign`). ' +
      'Closing it: let the back-end take strings and return base64url (node:crypto does both natively: `createHmac(...).update(string).digest("base64url")`, ' +
      '`Buffer.from(mac, "base64url")` + `timingSafeEqual`), build the envelope header as 12 base64url characters instead of bytes, and give the keyring a ' +
      'synchronous `current()` once keys are derived, so the node path runs without a microtask hop. The Web Crypto back-end keeps the byte path.',
  },
  {
    match: (id) => id === 'verify-old-key',
    text: 'The key id in the token selects the key (`keyring.find`, a Map lookup); a miss here is noise: the two figures do the same work.',
  },
  {
    match: (id) => id === 'seal-iron',
    text:
      'iron-webcrypto costs about 1.2 ms on a quiet machine (PBKDF2 key stretching on every seal and every unseal, through Web Crypto), so 40x asks for ' +
      'a cookietin seal + unseal of about 30 µs: within 2x of the AES-GCM floor. The profile of `sealValue` + `unsealValue` shows the same overhead as the ' +
      'signed path (`bindName` through `TextEncoder`, the JavaScript base64url loops, `packEnvelope`, the awaits), and the same string-based node path closes it. ' +
      "On a busy machine iron-webcrypto's thread-pool round trips also queue behind every other process, which moves this ratio a lot from run to run.",
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
    match: (id) =>
      /^load-(express|koa|hono)-(signed|sealed)-floor$/.test(id) ||
      /^load-(express|koa|hono)-.*/.test(id),
    text:
      'Profiles of the cookietin servers (`pnpm --filter @cookietin/bench profile koa/cookietin-signed`) and of the session micro case (`session/cookietin:signed:node`, ' +
      'core only) agree: the two HMACs are about a sixth of the core session step; the rest is per-request work that the hand-written floor does not do. ' +
      'In `createSessionCodec` (core/src/session/codec.ts): `JSON.stringify(payload)` runs three times per request only to detect changes (`load` stores `loadedJson`, ' +
      '`pendingCommit` compares against it, `commit` stores it again) besides the `payloadToJson` that is written; `attributesFor` copies the cookie options with ' +
      'object rest/spread and makes a `Date` on every commit; `splitIntoChunks` (session/chunks.ts) serializes a whole `Set-Cookie` (validation, `Date#toUTCString` ' +
      'for Expires) only to measure its length, and `CookieJar#set` then serializes it again. Then the crypto path above (`bindName`, JavaScript base64url, ' +
      '`TextEncoder`), and garbage: a `CookieJar` with a `Map`, a `Session` and its state object, a `WeakMap` entry per request in the handler (`PROGRESS`) and another, ' +
      "with a new closure, in each adapter (`commits`); the collector is the largest single item in the core profile. In the adapters: Koa's defines `ctx.session` and " +
      "`ctx.cookieJar` with `Object.defineProperties` and two new closures on every request (every `ctx` changes shape), and Express's `holdResponse` puts four new " +
      'closures on every `res` as own properties and delays `end` by a promise. ' +
      'Closing it: compute the attribute suffix (`; Max-Age=…; Path=/; HttpOnly; SameSite=Lax`) once per handler and Expires once per second; decide ' +
      '"changed" from the accessors (a `set` marks it; only a `get` of an object value needs the JSON comparison) and stringify once, for the token; ' +
      'keep per-request state on the scope object instead of WeakMaps; define `ctx.session` once on `app.context` (a getter reading a symbol) in Koa; ' +
      'and take the string-based crypto path. The floor shows what remains: one cookie lookup, two HMACs, one JSON parse and stringify.',
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
