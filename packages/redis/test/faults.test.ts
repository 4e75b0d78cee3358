import { type RedisServer, hasRedisServer, startRedisServer } from '@cookietin/testkit'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, test } from 'vitest'
import { RedisStore } from '../src/index.ts'
import { secrets, visit } from './helpers.ts'

/** A client as the README advises: fail fast while disconnected, reconnect quickly, log errors. */
async function connect(server: RedisServer): Promise<Redis> {
  const client = new Redis(server.port, '127.0.0.1', {
    enableOfflineQueue: false,
    lazyConnect: true,
    retryStrategy: () => 100,
    connectTimeout: 1000,
  })
  client.on('error', () => undefined)
  await client.connect()
  return client
}

const within = async <T>(ms: number, run: () => Promise<T>): Promise<number> => {
  const started = Date.now()
  await run().catch(() => undefined)
  const elapsed = Date.now() - started
  expect(elapsed).toBeLessThan(ms)
  return elapsed
}

describe.skipIf(!hasRedisServer())('faults: Redis down, slow, restarted', () => {
  const cleanup: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })

  async function setup(appendOnly = false) {
    const server = await startRedisServer({ appendOnly })
    cleanup.push(() => server.close())
    const client = await connect(server)
    cleanup.push(() => client.disconnect())
    const options = { secrets, store: new RedisStore(client), storeTimeout: 500 }
    return { server, client, options }
  }

  test('Redis down: STORE_UNAVAILABLE fast, no cookie deleted; requests recover by themselves', async () => {
    const { server, options } = await setup()
    const { cookie } = await visit(options, undefined, (s) => s.session.set('a', 1))
    await server.stop()
    await within(1500, () =>
      expect(visit(options, cookie)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' }),
    )
    // A new session's write fails too, and its response carries no session cookie at all.
    await expect(
      visit(options, undefined, async (s) => {
        s.session.set('b', 1)
        await s.commit()
      }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    await server.restart()
    // Not persisted (appendonly off): the old session is gone, reads as new, and its cookie stays.
    const deadline = Date.now() + 5000
    let recovered: Awaited<ReturnType<typeof visit>> | undefined
    while (!recovered && Date.now() < deadline) {
      recovered = await visit(options, cookie).catch(() => undefined)
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(recovered?.scope.session.isNew).toBe(true)
    expect(recovered?.setCookie).toEqual([])
  })

  test('Redis slow (frozen): STORE_UNAVAILABLE within the timeout, never a hang; recovers', async () => {
    const { server, options } = await setup()
    const { cookie } = await visit(options, undefined, (s) => s.session.set('a', 1))
    server.pause()
    try {
      const elapsed = await within(2000, () =>
        expect(visit(options, cookie)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' }),
      )
      expect(elapsed).toBeGreaterThanOrEqual(450)
    } finally {
      server.resume()
    }
    const { scope } = await visit(options, cookie)
    expect(scope.session.get('a')).toBe(1)
  })

  test('with appendonly on, sessions survive a Redis restart', async () => {
    const { server, options } = await setup(true)
    const { cookie } = await visit(options, undefined, (s) => s.session.set('a', 'kept'))
    await server.stop()
    await server.restart()
    const deadline = Date.now() + 5000
    let value: unknown
    while (value === undefined && Date.now() < deadline) {
      value = await visit(options, cookie)
        .then(({ scope }) => scope.session.get('a'))
        .catch(() => undefined)
      if (value === undefined) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(value).toBe('kept')
  })
})
