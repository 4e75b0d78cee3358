/**
 * `migrateFrom` through the session handler, with legacy cookies minted here by node:crypto from
 * each library's wire format (the real libraries mint them in packages/migrate-interop).
 */
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { backend as webCrypto } from '../crypto/backend.web.ts'
import { cookieSession, ironSession, koaSession } from '../migrate.ts'
import { createSessionHandler } from '../session/handler.ts'
import type { InvalidSessionEvent, SessionOptions } from '../session/options.ts'
import { commit, finish } from '../../test/scope.ts'

const secrets = ['migrate test secret: cookietin side, 32+ bytes']
const NOW = 1_780_000_000_000
const OLD_KEYS = ['new keygrip key', 'old keygrip key']
const PASSWORD = 'p'.repeat(32)

const keygrip = (data: string, key: string) =>
  createHmac('sha1', key).update(data).digest('base64url')
const base64Json = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64')

/** `name=<base64 JSON>; name.sig=<keygrip HMAC of name=value>`, as pillarjs/cookies writes them. */
function keygripCookies(name: string, value: object, key = OLD_KEYS[0] as string): string {
  const encoded = base64Json(value)
  return `${name}=${encoded}; ${name}.sig=${keygrip(`${name}=${encoded}`, key)}`
}

/** An iron seal (Fe26.2) with iron's defaults, and iron-session's `~2` suffix. */
function ironSeal(
  value: unknown,
  password: string,
  id = '1',
  expiration: number | '' = NOW + 3600_000,
) {
  const salt = () => randomBytes(32).toString('hex')
  const encryptionSalt = salt()
  const iv = randomBytes(16)
  const cipher = createCipheriv(
    'aes-256-cbc',
    pbkdf2Sync(password, encryptionSalt, 1, 32, 'sha1'),
    iv,
  )
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(value)), cipher.final()])
  const base = [
    'Fe26.2',
    id,
    encryptionSalt,
    iv.toString('base64url'),
    encrypted.toString('base64url'),
    String(expiration),
  ].join('*')
  const hmacSalt = salt()
  const mac = createHmac('sha256', pbkdf2Sync(password, hmacSalt, 1, 32, 'sha1'))
    .update(base)
    .digest('base64url')
  return `${base}*${hmacSalt}*${mac}~2`
}

function setup(options: Partial<SessionOptions> = {}) {
  const events: InvalidSessionEvent[] = []
  const handler = createSessionHandler({
    secrets,
    cookieName: 'sid',
    now: () => NOW,
    onInvalid: (event) => events.push(event),
    migrateFrom: [
      cookieSession({ keys: OLD_KEYS }),
      koaSession({ keys: OLD_KEYS, path: '/app', domain: 'example.com' }),
      ironSession({ cookieName: 'iron', password: { 2: PASSWORD, 1: 'q'.repeat(32) } }),
    ],
    ...options,
  })
  const request = async (cookie: string | undefined, secure = false) => {
    const scope = await handler.begin(cookie, { secure })
    return { scope, session: scope.session, done: () => finish(scope) }
  }
  return { handler, events, request }
}

const EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT'
const names = (lines: string[]) => lines.map((line) => line.slice(0, line.indexOf('=')))

describe('migrateFrom: a verifying legacy cookie becomes the session', () => {
  test('cookie-session: data kept, cookietin cookie written, legacy cookies deleted', async () => {
    const { request, events, handler } = setup()
    const { session, done } = await request(keygripCookies('session', { user: 'alice', n: 1 }))
    expect(session.isNew).toBe(false)
    expect(session.data).toEqual({ user: 'alice', n: 1 })
    const { setCookie } = await done()
    expect(names(setCookie)).toEqual(['sid', 'session', 'session.sig'])
    expect(setCookie[1]).toBe(`session=; Max-Age=0; Path=/; Expires=${EPOCH}`)
    expect(events).toEqual([])
    // The new cookie alone is a logged-in session.
    const next = await handler.begin(setCookie[0]?.split(';')[0], { secure: false })
    expect(next.session.data).toEqual({ user: 'alice', n: 1 })
  })

  test('a value signed with an older key verifies (keygrip rotation)', async () => {
    const { request } = setup()
    const { session } = await request(keygripCookies('session', { user: 'bob' }, OLD_KEYS[1]))
    expect(session.get('user')).toBe('bob')
  })

  test('koa-session: _expire honoured, fields dropped, deleted with path and domain', async () => {
    const { request, events } = setup()
    const live = { user: 'carol', _expire: NOW + 1000, _maxAge: 86_400_000 }
    const { session, done } = await request(keygripCookies('koa.sess', live), true)
    expect(session.data).toEqual({ user: 'carol' })
    const { setCookie } = await done()
    expect(setCookie.slice(1)).toEqual([
      // Secure on HTTPS, so a Secure cookie can be deleted too.
      `koa.sess=; Max-Age=0; Domain=example.com; Path=/app; Expires=${EPOCH}; Secure`,
      `koa.sess.sig=; Max-Age=0; Domain=example.com; Path=/app; Expires=${EPOCH}; Secure`,
    ])
    const expired = await request(keygripCookies('koa.sess', { user: 'carol', _expire: NOW - 1 }))
    expect(expired.session.isNew).toBe(true)
    expect((await expired.done()).setCookie).toEqual([])
    expect(events).toEqual([
      { reason: 'expired', cookieName: 'koa.sess', kind: 'session', migrateFrom: 'koa-session' },
    ])
  })

  test('iron-session: opens with the password its id names; its expiry holds', async () => {
    const { request, events } = setup()
    const newest = await request(`iron=${ironSeal({ user: 'dan' }, PASSWORD, '2')}`)
    expect(newest.session.data).toEqual({ user: 'dan' })
    expect(names((await newest.done()).setCookie)).toEqual(['sid', 'iron'])
    const older = await request(`iron=${ironSeal({ user: 'eve' }, 'q'.repeat(32), '1')}`)
    expect(older.session.get('user')).toBe('eve')
    // iron allows 60 s of clock skew past the expiration; ttl 0 seals carry none.
    const skewed = await request(`iron=${ironSeal({ user: 'fay' }, PASSWORD, '2', NOW - 30_000)}`)
    expect(skewed.session.get('user')).toBe('fay')
    const forever = await request(`iron=${ironSeal({ user: 'gus' }, PASSWORD, '2', '')}`)
    expect(forever.session.get('user')).toBe('gus')
    expect(events).toEqual([])

    const expired = await request(`iron=${ironSeal({ user: 'x' }, PASSWORD, '2', NOW - 61_000)}`)
    const unknownId = await request(`iron=${ironSeal({ user: 'x' }, PASSWORD, '3')}`)
    const wrongPassword = await request(`iron=${ironSeal({ user: 'x' }, 'r'.repeat(32), '2')}`)
    for (const { session } of [expired, unknownId, wrongPassword]) expect(session.isNew).toBe(true)
    expect(events.map((event) => event.reason)).toEqual(['expired', 'unknown_key', 'bad_signature'])
    expect(events.every((e) => e.cookieName === 'iron' && e.migrateFrom === 'iron-session')).toBe(
      true,
    )
  })

  test('iron-session: the `~2` marker (outside the MAC) is ignored; chunks are joined', async () => {
    const { request } = setup()
    const nested = { persistent: { user: 'hal' } }
    const bare = await request(`iron=${ironSeal(nested, PASSWORD, '2').replace(/~2$/, '')}`)
    expect(bare.session.data).toEqual(nested)
    const seal = ironSeal({ user: 'ida' }, PASSWORD, '2')
    const third = Math.ceil(seal.length / 3)
    const parts = [0, 1, 2].map((i) => `iron.${i}=${seal.slice(i * third, (i + 1) * third)}`)
    const chunked = await request(parts.join('; '))
    expect(chunked.session.get('user')).toBe('ida')
    expect(names((await chunked.done()).setCookie)).toEqual(['sid', 'iron.0', 'iron.1', 'iron.2'])
  })

  test('the same on the Web Crypto back-end', async () => {
    const { request } = setup({ backend: webCrypto })
    const { session, done } = await request(keygripCookies('session', { user: 'ivy' }))
    expect(session.get('user')).toBe('ivy')
    expect(names((await done()).setCookie)).toEqual(['sid', 'session', 'session.sig'])
  })
})

describe('migrateFrom: what is not migrated', () => {
  test('tampered, unsigned or undecodable legacy cookies are ignored and reported', async () => {
    const { request, events } = setup()
    const good = keygripCookies('session', { user: 'alice' })
    const tampered = good.replace('session=', 'session=e30')
    const unsigned = `session=${base64Json({ user: 'alice' })}`
    const signed = keygrip('session=bm90IGpzb24=', OLD_KEYS[0] as string)
    const notJson = `session=bm90IGpzb24=; session.sig=${signed}`
    for (const cookie of [tampered, unsigned, notJson]) {
      const { session, done } = await request(cookie)
      expect(session.isNew).toBe(true)
      expect((await done()).setCookie).toEqual([])
    }
    expect(events).toEqual([
      {
        reason: 'bad_signature',
        cookieName: 'session',
        kind: 'session',
        migrateFrom: 'cookie-session',
      },
      {
        reason: 'bad_signature',
        cookieName: 'session',
        kind: 'session',
        migrateFrom: 'cookie-session',
      },
      {
        reason: 'malformed',
        cookieName: 'session',
        kind: 'session',
        migrateFrom: 'cookie-session',
      },
    ])
  })

  test('a valid cookietin session wins: legacy cookies are not even read', async () => {
    const { request, events } = setup()
    const first = await request(undefined)
    first.session.set('user', 'new')
    const own = (await first.done()).setCookie[0]?.split(';')[0] as string
    const both = await request(`${own}; ${keygripCookies('session', { user: 'old' }, 'not a key')}`)
    expect(both.session.get('user')).toBe('new')
    expect((await both.done()).setCookie).toEqual([])
    expect(events).toEqual([])
  })

  test('a bad cookietin cookie is still reported when the legacy one is another', async () => {
    const { request, events } = setup()
    const { session } = await request(`sid=garbage; ${keygripCookies('session', { user: 'a' })}`)
    expect(session.get('user')).toBe('a')
    expect(events).toEqual([{ reason: 'malformed', cookieName: 'sid', kind: 'session' }])
  })

  test('under the old cookie name, its value is not reported as a bad cookietin one', async () => {
    const { request, events } = setup({ cookieName: 'session' })
    const { session, done } = await request(keygripCookies('session', { user: 'alice' }))
    expect(session.get('user')).toBe('alice')
    const { setCookie } = await done()
    // `session` is overwritten by the new value, not deleted after it.
    expect(names(setCookie)).toEqual(['session', 'session.sig'])
    expect(setCookie[0]).toMatch(/^session=e1\./)
    expect(events).toEqual([])
  })
})

describe('migrateFrom: the migrated session behaves as any session', () => {
  test('through the schema: refused data is reported, and its cookies deleted', async () => {
    const schema = z.object({ user: z.string() })
    const { request, events } = setup({ schema })
    const ok = await request(keygripCookies('session', { user: 'alice' }))
    expect(ok.session.data).toEqual({ user: 'alice' })
    const refused = await request(keygripCookies('session', { user: 42 }))
    expect(refused.session.isNew).toBe(true)
    expect(names((await refused.done()).setCookie)).toEqual(['session', 'session.sig'])
    expect(events).toEqual([
      { reason: 'schema', cookieName: 'session', kind: 'session', migrateFrom: 'cookie-session' },
    ])
  })

  test('destroyed (a logout) or empty: legacy cookies deleted, nothing written', async () => {
    const { request } = setup()
    const loggedIn = await request(keygripCookies('session', { user: 'alice' }))
    loggedIn.session.destroy()
    expect(names((await loggedIn.done()).setCookie)).toEqual(['session', 'session.sig'])
    // cookie-session writes `{}` once the app empties its session.
    const empty = await request(keygripCookies('session', {}))
    expect(names((await empty.done()).setCookie)).toEqual(['session', 'session.sig'])
  })

  test('a change after an early commit still deletes the legacy cookies', async () => {
    const { request } = setup()
    const { scope, session } = await request(keygripCookies('session', { user: 'alice' }))
    await commit(scope)
    session.set('n', 2)
    const { setCookie } = await finish(scope)
    expect(names(setCookie)).toEqual(['sid', 'session', 'session.sig'])
  })

  test('a request without legacy cookies stays synchronous on the node back-end', () => {
    const { handler } = setup()
    expect(handler.options.synchronous).toBe(true)
    expect(handler.begin('theme=dark', { secure: false })).not.toBeInstanceOf(Promise)
    expect(handler.begin(undefined, { secure: false })).not.toBeInstanceOf(Promise)
  })
})

describe('migrateFrom: misconfiguration throws at start-up', () => {
  test.each([
    ['keys missing', () => cookieSession({})],
    ['an empty key', () => koaSession({ keys: [''] })],
    ['an unknown algorithm', () => cookieSession({ keys: ['k'], algorithm: 'md5' as never })],
    ['a short iron password', () => ironSession({ cookieName: 'x', password: 'short' })],
    [
      'a short password in the map',
      () => ironSession({ cookieName: 'x', password: { 1: 'short' } }),
    ],
    ['no cookie name', () => ironSession({ cookieName: '', password: PASSWORD })],
    ['a bad path', () => cookieSession({ keys: ['k'], path: 'no-slash;' })],
    ['not a reader', () => createSessionHandler({ secrets, migrateFrom: [{}] as never })],
  ])('%s', (_, make) => {
    expect(make).toThrow(expect.objectContaining({ code: expect.stringMatching(/^INVALID_/) }))
  })

  test('cookie-session `secret` is its one key', async () => {
    const handler = createSessionHandler({
      secrets,
      migrateFrom: cookieSession({ name: 'old', secret: 'only key' }),
    })
    const scope = await handler.begin(keygripCookies('old', { user: 'zed' }, 'only key'), {
      secure: false,
    })
    expect(scope.session.get('user')).toBe('zed')
  })
})
