import { describe, expect, test, vi } from 'vitest'
import { z } from 'zod'
import { BrowserJar } from '@cookietin/testkit'
import { backend as nodeBackend } from '../crypto/backend.node.ts'
import { backend as webBackend } from '../crypto/backend.web.ts'
import { isCookietinError, SessionTooLargeError } from '../errors.ts'
import { createSessionHandler } from './handler.ts'
import type { SessionOptions } from './options.ts'
import { finish } from '../../test/scope.ts'

const OLD = 'session test secret: the older one, 32+ bytes'
const NEW = 'session test secret: the newer one, 32+ bytes'

function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex')
}

describe.each([
  ['sealed', 'node', nodeBackend],
  ['signed', 'node', nodeBackend],
  ['sealed', 'web', webBackend],
  ['signed', 'web', webBackend],
] as const)('session (%s format, %s back-end)', (format, _name, backend) => {
  let clock = 1_800_000_000_000
  const make = (extra: Partial<SessionOptions> = {}) =>
    createSessionHandler({ secrets: [NEW], format, backend, now: () => clock, ...extra })

  /** One request: load from the browser's cookies, run `handler`, commit, store what came back. */
  async function request(
    handler: ReturnType<typeof make>,
    browser: BrowserJar,
    fn: (scope: Awaited<ReturnType<typeof handler.begin>>) => unknown = () => {},
  ) {
    const scope = await handler.begin(browser.header, { secure: false })
    await fn(scope)
    const result = await finish(scope)
    browser.apply(result.setCookie)
    return { ...result, session: scope.session }
  }

  test('round-trips data across requests and sends nothing when unchanged', async () => {
    const handler = make()
    const browser = new BrowserJar()
    const first = await request(handler, browser, ({ session }) => {
      expect(session.isNew).toBe(true)
      session.set('user', 'alice')
    })
    expect(first.setCookie).toHaveLength(1)
    expect(first.setCookie[0]).toMatch(/^session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/)
    const second = await request(handler, browser, ({ session }) => {
      expect(session.isNew).toBe(false)
      expect(session.get('user')).toBe('alice')
    })
    expect(second.setCookie).toEqual([])
    expect(second.vary).toBe(true)
    const untouched = await request(handler, browser)
    expect(untouched.vary).toBe(false)
  })

  test('a new session that stays empty sends no cookie', async () => {
    const result = await request(make(), new BrowserJar(), ({ session }) => {
      session.set('x', 1)
      session.delete('x')
    })
    expect(result.setCookie).toEqual([])
  })

  test('nested changes made in place are noticed', async () => {
    const handler = make()
    const browser = new BrowserJar()
    await request(handler, browser, ({ session }) => session.set('cart', { items: [] as string[] }))
    await request(handler, browser, ({ session }) => {
      ;(session.get('cart') as { items: string[] }).items.push('apple')
    })
    await request(handler, browser, ({ session }) =>
      expect(session.get('cart')).toEqual({ items: ['apple'] }),
    )
  })

  test('a session read with a rotated-out key is re-issued with the newest key', async () => {
    const browser = new BrowserJar()
    await request(make({ secrets: [OLD] }), browser, ({ session }) => session.set('user', 'bob'))
    const oldValue = browser.cookies.get('session')
    const rotated = make({ secrets: [NEW, OLD] })
    const read = await request(rotated, browser, ({ session }) =>
      expect(session.get('user')).toBe('bob'),
    )
    expect(read.setCookie).toHaveLength(1)
    expect(browser.cookies.get('session')).not.toBe(oldValue)
    // The re-issued cookie no longer needs the old key.
    await request(make({ secrets: [NEW] }), browser, ({ session }) =>
      expect(session.get('user')).toBe('bob'),
    )
  })

  test('without the old key an old session reads as empty and is reported', async () => {
    const browser = new BrowserJar()
    await request(make({ secrets: [OLD] }), browser, ({ session }) => session.set('user', 'bob'))
    const onInvalid = vi.fn()
    await request(make({ secrets: [NEW], onInvalid }), browser, ({ session }) => {
      expect(session.isNew).toBe(true)
      expect(session.get('user')).toBeUndefined()
    })
    expect(onInvalid).toHaveBeenCalledWith({
      reason: 'unknown_key',
      cookieName: 'session',
      kind: 'session',
    })
  })

  test('permanent sessions carry Max-Age; browser sessions do not, yet both expire on the server', async () => {
    const permanent = await request(
      make({ permanent: true, maxAge: 3600 }),
      new BrowserJar(),
      ({ session }) => session.set('a', 1),
    )
    expect(permanent.setCookie[0]).toContain('Max-Age=3600')
    expect(permanent.setCookie[0]).toContain('Expires=')

    const handler = make({ maxAge: 3600 })
    const browser = new BrowserJar()
    const transient = await request(handler, browser, ({ session }) => session.set('a', 1))
    expect(transient.setCookie[0]).not.toMatch(/Max-Age|Expires/)
    clock += 3600 * 1000
    const onInvalid = vi.fn()
    // The browser kept the cookie (it was never told to drop it), the server refuses it.
    expect(browser.cookies.has('session')).toBe(true)
    await request(make({ maxAge: 3600, onInvalid }), browser, ({ session }) => {
      expect(session.isNew).toBe(true)
      expect(session.has('a')).toBe(false)
    })
    expect(onInvalid).toHaveBeenCalledWith({
      reason: 'expired',
      cookieName: 'session',
      kind: 'session',
    })
  })

  test('tampered, truncated and garbage cookies read as a new empty session', async () => {
    const handler = make()
    const browser = new BrowserJar()
    await request(handler, browser, ({ session }) => session.set('user', 'alice'))
    const value = browser.cookies.get('session') as string
    const flipped = value.slice(0, -5) + (value.at(-5) === 'A' ? 'B' : 'A') + value.slice(-4)
    for (const bad of [
      flipped,
      value.slice(0, -1),
      `${value}x`,
      'garbage',
      '',
      '%%%',
      'e1.x.y',
      's1.a.b.c',
    ]) {
      const reasons: string[] = []
      const scope = await make({ onInvalid: (e) => reasons.push(e.reason) }).begin(
        `session=${bad}`,
        { secure: false },
      )
      expect(scope.session.isNew, bad).toBe(true)
      expect(scope.session.data).toEqual({})
    }
  })

  test('a cookie value moved to another session cookie name is rejected', async () => {
    const browser = new BrowserJar()
    await request(make(), browser, ({ session }) => session.set('user', 'alice'))
    const value = browser.cookies.get('session') as string
    const scope = await make({ cookieName: 'other' }).begin(`other=${value}`, { secure: false })
    expect(scope.session.isNew).toBe(true)
  })

  test('flashes survive exactly one read, in order', async () => {
    const handler = make()
    const browser = new BrowserJar()
    await request(handler, browser, ({ session }) => {
      session.flash('saved')
      session.flash('careful', 'warning')
    })
    await request(handler, browser, ({ session }) =>
      expect(session.consumeFlashes()).toEqual([
        { category: 'message', message: 'saved' },
        { category: 'warning', message: 'careful' },
      ]),
    )
    await request(handler, browser, ({ session }) => expect(session.consumeFlashes()).toEqual([]))
  })

  test('regenerate changes the identity and the serialized value, keeping the data', async () => {
    const handler = make()
    const browser = new BrowserJar()
    await request(handler, browser, ({ session }) => session.set('cart', ['pear']))
    const before = browser.cookies.get('session')
    let oldId = ''
    const result = await request(handler, browser, ({ session }) => {
      oldId = session.id
      session.regenerate()
      expect(session.id).not.toBe(oldId)
    })
    expect(result.setCookie).toHaveLength(1)
    expect(browser.cookies.get('session')).not.toBe(before)
    await request(handler, browser, ({ session }) => {
      expect(session.get('cart')).toEqual(['pear'])
      expect(session.id).not.toBe(oldId)
    })
  })

  test('6 KB of incompressible data round-trips through chunks, and shrinking deletes stale chunks', async () => {
    const handler = make({ maxSize: 12288, maxChunks: 4 }) // over the 3 KB default
    const browser = new BrowserJar()
    const big = randomHex(3072) // 6144 characters that deflate cannot shrink much
    const grown = await request(handler, browser, ({ session }) => session.set('blob', big))
    expect(grown.setCookie.length).toBeGreaterThan(1)
    for (const line of grown.setCookie) expect(line.length).toBeLessThanOrEqual(4096)
    expect([...browser.cookies.keys()].sort()).toEqual(
      grown.setCookie.map((line) => line.slice(0, line.indexOf('='))).sort(),
    )
    expect(browser.cookies.has('session')).toBe(false)
    expect(browser.cookies.has('session.0')).toBe(true)
    await request(handler, browser, ({ session }) => expect(session.get('blob')).toBe(big))

    const shrunk = await request(handler, browser, ({ session }) => session.set('blob', 'small'))
    expect(
      shrunk.setCookie.some((line) => line.startsWith('session.1=;') && line.includes('Max-Age=0')),
    ).toBe(true)
    expect([...browser.cookies.keys()]).toEqual(['session'])
    await request(handler, browser, ({ session }) => expect(session.get('blob')).toBe('small'))
  })

  test('a session past the size limit throws SessionTooLargeError and leaves the previous cookie', async () => {
    const handler = make({ maxSize: 6000 })
    const browser = new BrowserJar()
    await request(handler, browser, ({ session }) => session.set('v', 1))
    const before = new Map(browser.cookies)
    const scope = await handler.begin(browser.header, { secure: false })
    scope.session.set('blob', randomHex(4000))
    const error = await finish(scope).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect(isCookietinError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'SESSION_TOO_LARGE', limit: 6000 })
    expect((error as SessionTooLargeError).size).toBeGreaterThan(6000)
    expect((error as Error).message).toMatch(/6000/)
    expect(scope.cookies.setCookieHeaders).toEqual([])
    expect(browser.cookies).toEqual(before)
  })

  test('destroy deletes every chunk', async () => {
    const handler = make({ maxSize: 12288, maxChunks: 4 })
    const browser = new BrowserJar()
    await request(handler, browser, ({ session }) => session.set('blob', randomHex(3072)))
    const names = [...browser.cookies.keys()]
    expect(names.length).toBeGreaterThan(1)
    const result = await request(handler, browser, ({ session }) => session.destroy())
    expect(result.setCookie).toHaveLength(names.length)
    expect(browser.cookies.size).toBe(0)
  })

  test('clearing a stored session deletes its cookie, as Flask does', async () => {
    const handler = make()
    const browser = new BrowserJar()
    await request(handler, browser, ({ session }) => session.set('a', 1))
    const result = await request(handler, browser, ({ session }) => session.clear())
    expect(result.setCookie[0]).toMatch(/^session=; Max-Age=0/)
    expect(browser.cookies.size).toBe(0)
  })

  test('rolling sessions are re-sent on every request that reads them', async () => {
    const handler = make({ rolling: true })
    const browser = new BrowserJar()
    await request(handler, browser, ({ session }) => session.set('a', 1))
    const read = await request(handler, browser, ({ session }) => void session.get('a'))
    expect(read.setCookie).toHaveLength(1)
  })

  test('data failing the schema reads as an empty session', async () => {
    const schema = z.object({ user: z.string() })
    const browser = new BrowserJar()
    await request(make(), browser, ({ session }) => session.set('user', 42))
    const onInvalid = vi.fn()
    const typed = createSessionHandler({
      secrets: [NEW],
      format,
      backend,
      now: () => clock,
      schema,
      onInvalid,
    })
    const scope = await typed.begin(browser.header, { secure: false })
    expect(scope.session.isNew).toBe(true)
    expect(onInvalid).toHaveBeenCalledWith({
      reason: 'schema',
      cookieName: 'session',
      kind: 'session',
    })

    await request(make(), browser, ({ session }) => session.set('user', 'alice'))
    const valid = await typed.begin(browser.header, { secure: false })
    expect(valid.session.get('user')).toBe('alice')
  })

  test('pop, has and keys behave like a plain dict; prototype names are plain keys', async () => {
    const handler = make()
    const browser = new BrowserJar()
    await request(handler, browser, ({ session }) => {
      // A `__proto__` key is refused at `set` (see storable.test.ts); these are just names.
      session.set('constructor', { prototype: { polluted: true } })
      session.set('a', 1)
    })
    await request(handler, browser, ({ session }) => {
      expect(session.has('constructor')).toBe(true)
      expect(session.has('toString')).toBe(false)
      expect(session.pop('a')).toBe(1)
      expect(session.pop('a', 'none')).toBe('none')
      expect(session.keys).toEqual(['constructor'])
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    })
  })

  test('a flash after destroy lands in the next session, as after clear', async () => {
    for (const end of ['destroy', 'clear'] as const) {
      const handler = make()
      const browser = new BrowserJar()
      const first = await request(handler, browser, ({ session }) => session.set('user', 'alice'))
      const oldValue = browser.cookies.get('session')
      expect(first.setCookie).toHaveLength(1)
      await request(handler, browser, ({ session }) => {
        session[end]()
        session.flash('You are logged out.')
      })
      expect(browser.cookies.get('session')).not.toBe(oldValue)
      await request(handler, browser, ({ session }) => {
        expect(session.get('user')).toBeUndefined()
        expect(session.consumeFlashes()).toEqual([
          { category: 'message', message: 'You are logged out.' },
        ])
      })
    }
  })

  test('a session written after destroy gets a new identity and replaces every old chunk', async () => {
    const handler = make({ maxSize: 12288, maxChunks: 4 })
    const browser = new BrowserJar()
    let oldId = ''
    await request(handler, browser, ({ session }) => {
      session.set('blob', randomHex(3072))
      oldId = session.id
    })
    expect(browser.cookies.size).toBeGreaterThan(1)
    await request(handler, browser, ({ session }) => {
      session.destroy()
      session.set('note', 'fresh')
      expect(session.id).not.toBe(oldId)
    })
    expect([...browser.cookies.keys()]).toEqual(['session'])
    await request(handler, browser, ({ session }) =>
      expect(session.data).toEqual({ note: 'fresh' }),
    )
  })
})

describe('session configuration fails at start-up', () => {
  test.each([
    [{ secrets: [] }, 'NO_SECRET'],
    [{ secrets: ['short'] }, 'WEAK_SECRET'],
    [{ secrets: [NEW], maxAge: -1 }, 'INVALID_OPTION'],
    [{ secrets: [NEW], maxChunks: 0 }, 'INVALID_OPTION'],
    [{ secrets: [NEW], format: 'xml' }, 'INVALID_OPTION'],
    [{ secrets: [NEW], cookieName: 'bad name' }, 'INVALID_COOKIE_NAME'],
    [
      { secrets: [NEW], cookieName: '__Host-s', cookie: { domain: 'example.com', secure: true } },
      'INVALID_PREFIX',
    ],
    [{ secrets: [NEW], cookieName: '__Host-s' }, 'INVALID_OPTION'],
  ])('%j → %s', (options, code) => {
    expect(() => createSessionHandler(options as SessionOptions)).toThrowError(
      expect.objectContaining({ code }),
    )
  })
})
