import { type RedisServer, hasRedisServer, startRedisServer } from '@cookietin/testkit'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisStore } from '../src/index.ts'
import { secrets, visit } from './helpers.ts'

describe.skipIf(!hasRedisServer())('RedisStore on a real redis-server', () => {
  let server: RedisServer
  let client: Redis
  let store: RedisStore

  beforeAll(async () => {
    server = await startRedisServer()
    client = new Redis(server.port, '127.0.0.1', { enableOfflineQueue: false, lazyConnect: true })
    client.on('error', () => undefined)
    await client.connect()
    store = new RedisStore(client, { prefix: 'test:' })
  })
  afterAll(async () => {
    client.disconnect()
    await server.close()
  })

  test('one hash per session, a field per key, a TTL equal to the session lifetime', async () => {
    const options = { secrets, store, maxAge: 3600 }
    const { scope, cookie } = await visit(options, undefined, (s) => {
      s.session.set('user', 'alice')
      s.session.set('cart', [1, 2])
    })
    const key = `test:s:{${scope.session.id}}`
    expect(await client.hgetall(key)).toEqual({ v: '1', 'd:user': '"alice"', 'd:cart': '[1,2]' })
    const ttl = await client.ttl(key)
    expect(ttl).toBeGreaterThan(3590)
    expect(ttl).toBeLessThanOrEqual(3600)
    expect(cookie!.length).toBeLessThan(200)
    await visit(options, cookie, (s) => expect(s.session.get('cart')).toEqual([1, 2]))
  })

  test('rolling sessions extend the TTL on every read; others keep it', async () => {
    const rolling = { secrets, store, maxAge: 3600, rolling: true }
    const { scope, cookie } = await visit(rolling, undefined, (s) => s.session.set('a', 1))
    const key = `test:s:{${scope.session.id}}`
    await client.expire(key, 100)
    await visit(rolling, cookie, (s) => s.session.get('a'))
    expect(await client.ttl(key)).toBeGreaterThan(3500)
    await client.expire(key, 100)
    await visit({ ...rolling, rolling: false }, cookie, (s) => s.session.set('b', 2))
    expect(await client.ttl(key)).toBeLessThanOrEqual(100)
  })

  test('100 concurrent requests each setting its own key: all 100 keys persist', async () => {
    const options = { secrets, store }
    const { cookie } = await visit(options, undefined, (s) => s.session.set('start', true))
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        visit(options, cookie, (s) => s.session.set(`key${i}`, i)),
      ),
    )
    const { scope } = await visit(options, cookie)
    const data = scope.session.data as Record<string, unknown>
    const present = Array.from({ length: 100 }, (_, i) => data[`key${i}`] === i).filter(Boolean)
    expect(present).toHaveLength(100)
    expect(data['start']).toBe(true)
  })

  test('the same key changed by two requests: the last write wins, other keys are untouched', async () => {
    const options = { secrets, store }
    const { cookie } = await visit(options, undefined, (s) => s.session.set('a', 0))
    const handler = (await import('@cookietin/core')).createSessionHandler(options)
    const first = await handler.begin(cookie, { secure: false })
    const second = await handler.begin(cookie, { secure: false })
    first.session.set('a', 1)
    first.session.set('b', 1)
    second.session.set('a', 2)
    await first.finish()
    await second.finish()
    const { scope } = await visit(options, cookie)
    expect(scope.session.data).toEqual({ a: 2, b: 1 })
  })

  test('regenerate deletes the old id; destroy deletes the data', async () => {
    const options = { secrets, store }
    const first = await visit(options, undefined, (s) => s.session.set('a', 1))
    const oldKey = `test:s:{${first.scope.session.id}}`
    const second = await visit(options, first.cookie, (s) => s.session.regenerate())
    expect(await client.exists(oldKey)).toBe(0)
    const newKey = `test:s:{${second.scope.session.id}}`
    expect(await client.exists(newKey)).toBe(1)
    await visit(options, second.cookie, (s) => s.session.destroy())
    expect(await client.exists(newKey)).toBe(0)
  })

  test('per-user index: list a user sessions, revoke all but the current one, then all', async () => {
    const options = { secrets, store, userKey: 'user' }
    const login = () => visit(options, undefined, (s) => s.session.set('user', 'carol'))
    const devices = [await login(), await login(), await login()]
    const ids = devices.map((d) => d.scope.session.id)
    expect((await store.listSessions('carol')).sort()).toEqual([...ids].sort())
    expect(await store.revokeSessions('carol', { except: ids[0] as string })).toBe(2)
    expect(await store.listSessions('carol')).toEqual([ids[0]])
    await visit(options, devices[0]?.cookie, (s) => expect(s.session.get('user')).toBe('carol'))
    await visit(options, devices[1]?.cookie, (s) => expect(s.session.isNew).toBe(true))
    expect(await store.revokeSessions('carol')).toBe(1)
    await visit(options, devices[0]?.cookie, (s) => expect(s.session.isNew).toBe(true))
    // The index lives in the user's slot and expires with the user's last session.
    expect(await client.zcard('test:u:{carol}:sessions')).toBe(0)
  })

  test('a write racing a revocation does not bring the session back', async () => {
    const options = { secrets, store, userKey: 'user' }
    const { cookie } = await visit(options, undefined, (s) => s.session.set('user', 'dave'))
    const handler = (await import('@cookietin/core')).createSessionHandler(options)
    const scope = await handler.begin(cookie, { secure: false })
    await store.revokeSessions('dave')
    scope.session.set('cart', [1])
    const { setCookie } = await scope.finish()
    expect(setCookie[0]).toMatch(/^session=;.*Max-Age=0/)
    expect(await store.listSessions('dave')).toEqual([])
  })

  test('cookie sessions revoked per user through the same Redis ("not before")', async () => {
    // One clock for sessions and store: the sessions are made in the revocation's millisecond.
    let time = Date.now()
    const now = () => time
    const revocations = new RedisStore(client, { prefix: 'test:', now })
    const options = { secrets, revocations, userKey: 'user', now }
    const laptop = await visit(options, undefined, (s) => s.session.set('user', 'erin'))
    const phone = await visit(options, undefined, (s) => s.session.set('user', 'erin'))
    expect(laptop.cookie).toMatch(/^session=e1\./)
    await revocations.revokeSessions('erin', { except: phone.scope.session.id })
    await visit(options, laptop.cookie, (s) => expect(s.session.isNew).toBe(true))
    await visit(options, phone.cookie, (s) => expect(s.session.get('user')).toBe('erin'))
    await revocations.revokeSessions('erin')
    await visit(options, phone.cookie, (s) => expect(s.session.isNew).toBe(true))
    // Logging in again a millisecond later is a new session, not revoked.
    time += 1
    const again = await visit(options, undefined, (s) => s.session.set('user', 'erin'))
    await visit(options, again.cookie, (s) => expect(s.session.get('user')).toBe('erin'))
  })
})
