import { describe, expect, test, vi } from 'vitest'
import { MemoryStore } from '../store/memory.ts'
import type { SessionStore } from '../store/types.ts'
import { createSessionHandler } from './handler.ts'
import type { SessionOptions } from './options.ts'
import { type RequestScope, commitSession } from './scope.ts'

const secrets = ['Sd8kP3wQx7Nm2Zr5Vb9Lc4Hj6Tf1Gy0A']

/** One request: begin with `cookie`, run `route`, finish; the session cookie pair to send next. */
async function request(
  options: SessionOptions,
  cookie: string | undefined,
  route: (scope: RequestScope) => unknown,
) {
  const handler = createSessionHandler(options)
  const scope = await handler.begin(cookie, { secure: false })
  await route(scope)
  const result = await scope.finish()
  const line = result.setCookie.find((l) => l.startsWith('session='))
  return { scope, result, cookie: line ? line.split(';')[0] : cookie }
}

describe('server-side sessions (store option)', () => {
  test('the cookie carries only a small sealed id; the data lives in the store', async () => {
    const store = new MemoryStore()
    const options = { secrets, store }
    const big = 'x'.repeat(50_000)
    const first = await request(options, undefined, (s) => s.session.set('blob', big))
    expect(first.result.setCookie).toHaveLength(1)
    expect(first.cookie).toMatch(/^session=e1\./)
    expect(first.cookie!.length).toBeLessThan(200)
    expect(first.cookie).not.toContain('xxxx')
    expect(store.size).toBe(1)
    const second = await request(options, first.cookie, (s) => {
      expect(s.session.get('blob')).toBe(big)
      expect(s.session.isNew).toBe(false)
    })
    // A read changes nothing: no Set-Cookie, no write.
    expect(second.result.setCookie).toEqual([])
  })

  test('with a store, begin and finish are asynchronous (Express holds the response)', () => {
    const handler = createSessionHandler({ secrets, store: new MemoryStore() })
    expect(handler.options.synchronous).toBe(false)
  })

  test('concurrent requests changing different keys both persist (merged writes)', async () => {
    const store = new MemoryStore()
    const options = { secrets, store }
    const { cookie } = await request(options, undefined, (s) => s.session.set('start', 1))
    const handler = createSessionHandler(options)
    const scopes = await Promise.all(
      Array.from({ length: 20 }, async () => handler.begin(cookie, { secure: false })),
    )
    scopes.forEach((scope, i) => scope.session.set(`k${i}`, i))
    await Promise.all(scopes.map(async (scope) => scope.finish()))
    const after = await request(options, cookie, () => undefined)
    const data = after.scope.session.data as Record<string, unknown>
    for (let i = 0; i < 20; i++) expect(data[`k${i}`]).toBe(i)
    expect(data['start']).toBe(1)
  })

  test('a commit writes only the keys that changed, in place changes to nested values included', async () => {
    const writes: unknown[] = []
    const memory = new MemoryStore()
    const store: SessionStore = {
      get: (id) => memory.get(id),
      destroy: (id, user) => memory.destroy(id, user),
      write: (id, change) => {
        writes.push(change)
        return memory.write(id, change)
      },
    }
    const options = { secrets, store }
    const { cookie } = await request(options, undefined, (s) => {
      s.session.set('a', 1)
      s.session.set('cart', ['x'])
      s.session.set('b', 2)
    })
    writes.length = 0
    await request(options, cookie, (s) => {
      const cart: unknown = s.session.get('cart')
      ;(cart as string[]).push('y')
      s.session.delete('b')
      s.session.set('a', 1)
    })
    expect(writes).toEqual([{ set: { 'd:cart': '["x","y"]' }, remove: ['d:b'], create: false }])
  })

  test('regenerate moves the session to a new id and deletes the old one', async () => {
    const store = new MemoryStore()
    const options = { secrets, store }
    const first = await request(options, undefined, (s) => s.session.set('a', 1))
    const oldId = first.scope.session.id
    const second = await request(options, first.cookie, (s) => s.session.regenerate())
    expect(second.scope.session.id).not.toBe(oldId)
    expect(second.cookie).not.toBe(first.cookie)
    expect(await store.get(oldId)).toBeUndefined()
    const replay = await request(options, first.cookie, (s) => expect(s.session.isNew).toBe(true))
    expect(replay.result.setCookie).toEqual([])
    await request(options, second.cookie, (s) => expect(s.session.get('a')).toBe(1))
  })

  test('an empty session regenerated is stored, so it is no longer new', async () => {
    const options = { secrets, store: new MemoryStore() }
    const first = await request(options, undefined, (s) => s.session.regenerate())
    expect(first.cookie).toBeDefined()
    await request(options, first.cookie, (s) => expect(s.session.isNew).toBe(false))
  })

  test('destroy deletes the data and the cookie', async () => {
    const store = new MemoryStore()
    const options = { secrets, store }
    const first = await request(options, undefined, (s) => s.session.set('a', 1))
    const id = first.scope.session.id
    const second = await request(options, first.cookie, (s) => s.session.destroy())
    expect(second.result.setCookie[0]).toMatch(/^session=; .*Max-Age=0/)
    expect(await store.get(id)).toBeUndefined()
  })

  test('a session written to after destroy is stored anew under a new id; the old one is gone', async () => {
    const store = new MemoryStore()
    const options = { secrets, store }
    const first = await request(options, undefined, (s) => s.session.set('user', 'alice'))
    const oldId = first.scope.session.id
    const second = await request(options, first.cookie, (s) => {
      s.session.destroy()
      s.session.flash('You are logged out.')
    })
    expect(second.cookie).not.toBe(first.cookie)
    expect(await store.get(oldId)).toBeUndefined()
    await request(options, second.cookie, (s) => {
      expect(s.session.get('user')).toBeUndefined()
      expect(s.session.consumeFlashes()).toEqual([
        { category: 'message', message: 'You are logged out.' },
      ])
    })
  })

  test('the size limit is the store one (1 MiB by default), past it SESSION_TOO_LARGE', async () => {
    const options = { secrets, store: new MemoryStore() }
    const handler = createSessionHandler(options)
    expect(handler.options.maxSize).toBe(1 << 20)
    const scope = await handler.begin(undefined, { secure: false })
    scope.session.set('blob', 'x'.repeat(1 << 20))
    await expect(commitSession(scope.session)).rejects.toMatchObject({
      code: 'SESSION_TOO_LARGE',
      message: expect.stringMatching(/stored JSON/),
    })
  })

  test('rolling sessions extend the store expiry and re-send the cookie on every read', async () => {
    let now = 1_700_000_000_000
    const store = new MemoryStore({ now: () => now })
    const options = { secrets, store, rolling: true, maxAge: 100, now: () => now }
    const first = await request(options, undefined, (s) => s.session.set('a', 1))
    now += 80_000
    const second = await request(options, first.cookie, (s) => s.session.get('a'))
    expect(second.result.setCookie).toHaveLength(1)
    now += 80_000
    await request(options, second.cookie, (s) => expect(s.session.get('a')).toBe(1))
    const without = { ...options, rolling: false }
    const third = await request(without, undefined, (s) => s.session.set('a', 1))
    now += 101_000
    await request(without, third.cookie, (s) => expect(s.session.isNew).toBe(true))
  })

  test('a request running while its session is revoked does not bring it back', async () => {
    const store = new MemoryStore()
    const options = { secrets, store, userKey: 'user' }
    const first = await request(options, undefined, (s) => s.session.set('user', 'alice'))
    const handler = createSessionHandler(options)
    const scope = await handler.begin(first.cookie, { secure: false })
    expect(await store.revokeSessions('alice')).toBe(1)
    scope.session.set('cart', 1)
    const result = await scope.finish()
    expect(result.setCookie[0]).toMatch(/Max-Age=0/)
    expect(await store.listSessions('alice')).toEqual([])
    expect(store.size).toBe(0)
  })

  test('the per-user index lists sessions and revokes all, or all but the current one', async () => {
    const store = new MemoryStore()
    const options = { secrets, store, userKey: 'user' }
    const login = () => request(options, undefined, (s) => s.session.set('user', 'alice'))
    const [a, b, c] = [await login(), await login(), await login()]
    await request(options, undefined, (s) => s.session.set('user', 'bob'))
    const ids = [a, b, c].map((r) => r.scope.session.id)
    expect((await store.listSessions('alice')).sort()).toEqual([...ids].sort())
    expect(await store.revokeSessions('alice', { except: ids[0] as string })).toBe(2)
    expect(await store.listSessions('alice')).toEqual([ids[0]])
    await request(options, a.cookie, (s) => expect(s.session.get('user')).toBe('alice'))
    await request(options, b.cookie, (s) => expect(s.session.isNew).toBe(true))
    expect(await store.revokeSessions('alice')).toBe(1)
    await request(options, a.cookie, (s) => expect(s.session.isNew).toBe(true))
    expect(await store.listSessions('bob')).toHaveLength(1)
  })

  test('a user change moves the session between users in the index', async () => {
    const store = new MemoryStore()
    const options = { secrets, store, userKey: 'user' }
    const first = await request(options, undefined, (s) => s.session.set('user', 'alice'))
    await request(options, first.cookie, (s) => s.session.set('user', 'bob'))
    expect(await store.listSessions('alice')).toEqual([])
    expect(await store.listSessions('bob')).toEqual([first.scope.session.id])
  })

  test('a store that fails or hangs answers STORE_UNAVAILABLE within the timeout, sending no cookie', async () => {
    const memory = new MemoryStore()
    const good = { secrets, store: memory }
    const { cookie } = await request(good, undefined, (s) => s.session.set('a', 1))
    const hanging: SessionStore = {
      get: () => new Promise(() => undefined),
      write: () => new Promise(() => undefined),
      destroy: () => new Promise(() => undefined),
    }
    const failing: SessionStore = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      write: () => {
        throw new Error('ECONNREFUSED')
      },
      destroy: () => Promise.reject(new Error('ECONNREFUSED')),
    }
    for (const store of [hanging, failing]) {
      const handler = createSessionHandler({ secrets, store, storeTimeout: 50 })
      const started = Date.now()
      await expect(handler.begin(cookie, { secure: false })).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      })
      expect(Date.now() - started).toBeLessThan(1000)
      const scope = await handler.begin(undefined, { secure: false })
      scope.session.set('a', 1)
      await expect(commitSession(scope.session)).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      })
      // Reported to the route once: finish sends no session cookie, and does not delete one.
      const result = await scope.finish()
      expect(result.setCookie).toEqual([])
    }
  })

  test('misconfigurations throw at start-up', async () => {
    const { flask } = await import('../flask.ts')
    const store = new MemoryStore()
    expect(() => createSessionHandler({ secrets, store, format: flask() })).toThrow(/format/)
    expect(() => createSessionHandler({ secrets, store, storeTimeout: 0 })).toThrow(/storeTimeout/)
    expect(() => createSessionHandler({ secrets, revocations: store })).toThrow(/userKey/)
    expect(() => createSessionHandler({ secrets, store: {} as SessionStore })).toThrow(/store/)
    // Unknown option names are refused, the store's own included: these four are known.
    expect(() =>
      createSessionHandler({ secrets, store, userKey: 'user', storeTimeout: 100 }),
    ).not.toThrow()
    // A legacy reader yields a cookie session: migrating into a store is refused, not half done.
    const { cookieSession } = await import('../migrate.ts')
    expect(() =>
      createSessionHandler({ secrets, store, migrateFrom: cookieSession({ keys: ['k'] }) }),
    ).toThrow(/migrateFrom/)
  })
})

describe('per-user revocation of cookie sessions (revocations option)', () => {
  test('log out everywhere: cookie sessions made before the revocation read as new', async () => {
    // One clock for sessions and store: the sessions are made in the revocation's millisecond.
    let time = Date.now()
    const now = () => time
    const revocations = new MemoryStore({ now })
    const options = { secrets, revocations, userKey: 'user', now }
    const laptop = await request(options, undefined, (s) => s.session.set('user', 'alice'))
    const phone = await request(options, undefined, (s) => s.session.set('user', 'alice'))
    const bob = await request(options, undefined, (s) => s.session.set('user', 'bob'))
    expect(laptop.cookie).toMatch(/^session=e1\./)
    await revocations.revokeSessions('alice', { except: phone.scope.session.id })
    await request(options, laptop.cookie, (s) => expect(s.session.isNew).toBe(true))
    await request(options, phone.cookie, (s) => expect(s.session.get('user')).toBe('alice'))
    await request(options, bob.cookie, (s) => expect(s.session.get('user')).toBe('bob'))
    // Logging in again a millisecond later is a new session, not revoked.
    time += 1
    const again = await request(options, laptop.cookie, (s) => {
      s.session.regenerate()
      s.session.set('user', 'alice')
    })
    await request(options, again.cookie, (s) => expect(s.session.get('user')).toBe('alice'))
  })

  test('the memory store warns once under NODE_ENV=production', () => {
    const warn = vi.fn()
    vi.stubEnv('NODE_ENV', 'production')
    try {
      new MemoryStore({ warn })
      new MemoryStore({ warn })
    } finally {
      vi.unstubAllEnvs()
    }
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]?.[0]).toMatch(/production/)
  })

  test('the memory store is bounded: the least recently used session goes first', async () => {
    const store = new MemoryStore({ maxSessions: 2 })
    const write = { set: { v: '1' }, remove: [], create: true, ttl: 60 }
    await store.write('a', write)
    await store.write('b', write)
    await store.get('a')
    await store.write('c', write)
    expect(await store.get('b')).toBeUndefined()
    expect(await store.get('a')).toBeDefined()
    expect(store.size).toBe(2)
  })
})
