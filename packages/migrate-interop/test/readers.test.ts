/**
 * Each old library, run as it ran before the switch, logs a user in; each cookietin adapter then
 * reads that cookie through `migrateFrom`, re-issues it as its own and deletes the old ones. The
 * cookies live in tough-cookie jars, so a deletion counts only if it matches the name, domain and
 * path the old library set. Tampered cookies are first checked against the old library itself.
 */
import type { InvalidSessionEvent, SessionOptions } from '@cookietin/core'
import { cookieSession, ironSession, koaSession } from '@cookietin/core/migrate'
import { freshFetch } from '@cookietin/testkit'
import { CookieJar } from 'tough-cookie'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ADAPTERS, type Adapter, startCookietin } from '../src/cookietin.ts'
import { type LegacyConfig, type LegacyLibrary, startLegacy } from '../src/legacy.ts'
import type { Running } from '../src/server.ts'

const SECRETS = ['cookietin secret for the migration tests 0123456789']
const KEYS = { newest: 'keygrip key of 2026', older: 'keygrip key of 2025' }
const PASSWORDS = {
  2: 'iron password of 2026 0123456789abcdef',
  1: 'iron password of 2025 0123456789abcdef',
}
/** The clock of the apps that check expiry: koa-session's minute and iron's 150 s (+60 s skew) are over. */
const LATER_MS = 5 * 60_000

/** The readers, configured as the old apps were after rotating to the newest key. */
const MIGRATE_FROM = [
  cookieSession({ keys: [KEYS.newest, KEYS.older] }),
  koaSession({ keys: [KEYS.newest, KEYS.older] }),
  ironSession({ cookieName: 'iron', password: PASSWORDS }),
]
const LEGACY_NAMES: Record<LegacyLibrary, string[]> = {
  'cookie-session': ['session', 'session.sig'],
  'koa-session': ['koa.sess', 'koa.sess.sig'],
  'iron-session@8': ['iron'],
  'iron-session@9': ['iron'],
}

interface Case {
  title: string
  /** The old app's configuration when it minted the cookie (the library is added per library). */
  config: Omit<LegacyConfig, 'library'>
  keygrip: boolean
  iron: boolean
  tamper?: boolean
  /** Read by an app whose clock is `LATER_MS` ahead. */
  later?: boolean
  /** The reason `onInvalid` gets, or none: the session migrates. */
  refused?: InvalidSessionEvent['reason']
}

const CASES: Case[] = [
  {
    title: 'signed with the newest key',
    config: { keys: [KEYS.newest, KEYS.older], password: PASSWORDS },
    keygrip: true,
    iron: true,
  },
  {
    title: 'signed with an older key, before the rotation',
    config: { keys: [KEYS.older], password: PASSWORDS[1] },
    keygrip: true,
    iron: true,
  },
  {
    title: 'expired',
    config: { keys: [KEYS.newest], maxAge: 60_000, password: PASSWORDS, ttl: 150 },
    keygrip: true,
    iron: true,
    later: true,
    refused: 'expired',
  },
  {
    title: 'tampered',
    config: { keys: [KEYS.newest], password: PASSWORDS },
    keygrip: true,
    iron: true,
    tamper: true,
    refused: 'bad_signature',
  },
  {
    title: 'signed with a key the new app does not have',
    config: { keys: ['a key nobody kept'] },
    keygrip: true,
    iron: false,
    refused: 'bad_signature',
  },
  {
    title: 'sealed under a password id the new app does not have',
    config: { password: { 3: 'an iron password nobody kept 0123456789' } },
    keygrip: false,
    iron: true,
    refused: 'unknown_key',
  },
]

const LIBRARIES: LegacyLibrary[] = [
  'cookie-session',
  'koa-session',
  'iron-session@8',
  'iron-session@9',
]
const applies = (library: LegacyLibrary, c: Case) =>
  library.startsWith('iron') ? c.iron : c.keygrip && !(c.later && library === 'cookie-session')

/** Flips one character in the middle of the cookie's value (to another of the same alphabet). */
function tampered(value: string): string {
  const at = value.length >> 1
  return value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1)
}

async function get(url: string, jar: CookieJar): Promise<{ body: string; setCookie: string[] }> {
  const response = await freshFetch(url, { headers: { cookie: await jar.getCookieString(url) } })
  const setCookie = response.headers.getSetCookie()
  for (const line of setCookie) await jar.setCookie(line, url)
  return { body: await response.text(), setCookie }
}

/** Logs alice in on the old app and returns its jar, tampered when the case says so. */
async function mint(library: LegacyLibrary, c: Case): Promise<CookieJar> {
  const config = { ...c.config, library, secure: false }
  const old = await startLegacy(config)
  try {
    const jar = new CookieJar()
    const login = await freshFetch(`${old.url}/login?user=alice`)
    expect(login.status).toBe(303)
    for (const line of login.headers.getSetCookie()) await jar.setCookie(line, old.url)
    const cookies = await jar.getCookies(old.url)
    const names = cookies.map((cookie) => cookie.key)
    expect(names.sort()).toEqual([...LEGACY_NAMES[library]].sort())
    // The libraries' own formats: base64 JSON and a keygrip signature, or an iron seal with `~2`.
    const value = cookies.find((cookie) => cookie.key === names[0])?.value ?? ''
    expect(value).toMatch(library.startsWith('iron') ? /^Fe26\.2\*\d\*.*~2$/ : /^eyJ/)
    expect(old.node).toBe(library === 'iron-session@9' ? 'v24.21.0' : process.version)
    if (c.tamper) {
      const cookie = (await jar.getCookies(old.url)).find((one) => one.key === names.sort()[0])
      if (!cookie) throw new Error('no cookie to tamper with')
      cookie.value = tampered(cookie.value)
      await jar.setCookie(cookie, old.url)
    }
    // The old library agrees: it reads its own cookie, and refuses the tampered one.
    if (!c.later) {
      const { body } = await get(old.url, await jar.clone())
      expect(body).toBe(c.tamper ? 'user: none' : 'user: alice')
    }
    return jar
  } finally {
    await old.close()
  }
}

const apps = new Map<string, Promise<Running>>()
const events: InvalidSessionEvent[] = []
const options = (later: boolean): SessionOptions => ({
  secrets: SECRETS,
  migrateFrom: MIGRATE_FROM,
  // iron-session 9's chunked sessions outgrow the default limit (one 3 KB cookie).
  maxSize: 12288,
  maxChunks: 4,
  onInvalid: (event) => events.push(event),
  ...(later ? { now: () => Date.now() + LATER_MS } : {}),
})
/** One cookietin app per adapter and clock, started on first use. */
function app(adapter: Adapter, later: boolean): Promise<Running> {
  const key = `${adapter}:${later}`
  let running = apps.get(key)
  if (!running) {
    running = startCookietin(adapter, options(later))
    apps.set(key, running)
  }
  return running
}

afterAll(async () => {
  await Promise.all([...apps.values()].map(async (running) => (await running).close()))
})

for (const library of LIBRARIES) {
  describe(`${library} -> cookietin`, () => {
    for (const c of CASES.filter((one) => applies(library, one))) {
      describe(c.title, () => {
        let minted: CookieJar
        beforeAll(async () => {
          minted = await mint(library, c)
        })

        test.each(ADAPTERS)(
          `[%s] ${c.refused ? `ignored and reported as ${c.refused}` : 'still logged in; old cookies deleted'}`,
          async (adapter) => {
            const running = await app(adapter, c.later === true)
            const jar = await minted.clone()
            events.length = 0
            const first = await get(`${running.url}/`, jar)
            const left = (await jar.getCookies(running.url)).map((cookie) => cookie.key)
            if (c.refused) {
              expect(first.body).toBe('user: none')
              expect(first.setCookie).toEqual([])
              expect(events.filter((event) => event.migrateFrom)).toEqual([
                {
                  reason: c.refused,
                  cookieName: LEGACY_NAMES[library][0],
                  kind: 'session',
                  migrateFrom: library.replace(/@\d+$/, ''),
                },
              ])
              // cookie-session's `session` also failed as a cookietin session of that name.
              const others = events.filter((event) => !event.migrateFrom)
              expect(others.map((event) => event.cookieName)).toEqual(
                library === 'cookie-session' ? ['session'] : [],
              )
              return
            }
            expect(first.body).toBe('user: alice')
            // cookie-session's `session` is overwritten by cookietin's (same default name).
            expect(left).toEqual(['session'])
            expect((await jar.getCookies(running.url))[0]?.value).toMatch(/^e1\./)
            expect(events).toEqual([])
            // The cookietin cookie alone: still alice, and nothing more to write.
            const second = await get(`${running.url}/`, jar)
            expect(second).toEqual({ body: 'user: alice', setCookie: [] })
            const out = await freshFetch(`${running.url}/logout`, {
              headers: { cookie: await jar.getCookieString(running.url) },
            })
            for (const line of out.headers.getSetCookie()) await jar.setCookie(line, running.url)
            expect(await jar.getCookies(running.url)).toEqual([])
          },
        )
      })
    }
  })
}

describe('iron-session@9 with `chunk: true` -> cookietin', () => {
  let minted: CookieJar
  beforeAll(async () => {
    const old = await startLegacy({
      library: 'iron-session@9',
      password: PASSWORDS,
      chunk: true,
      padding: 4000,
      secure: false,
    })
    try {
      minted = new CookieJar()
      const login = await freshFetch(`${old.url}/login?user=alice`)
      for (const line of login.headers.getSetCookie()) await minted.setCookie(line, old.url)
      const names = (await minted.getCookies(old.url)).map((cookie) => cookie.key).sort()
      expect(names).toEqual(['iron.0', 'iron.1'])
    } finally {
      await old.close()
    }
  })

  test.each(ADAPTERS)('[%s] the chunks are joined, migrated and deleted', async (adapter) => {
    const running = await app(adapter, false)
    const jar = await minted.clone()
    const first = await get(`${running.url}/`, jar)
    expect(first.body).toBe('user: alice')
    // cookietin chunks the 4 KB of data itself: session.0, session.1.
    const left = (await jar.getCookies(running.url)).map((cookie) => cookie.key).sort()
    expect(left).toEqual(['session.0', 'session.1'])
    expect(await get(`${running.url}/`, jar)).toEqual({ body: 'user: alice', setCookie: [] })
  })
})
