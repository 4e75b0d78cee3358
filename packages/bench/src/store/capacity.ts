/**
 * Redis memory per stored session, for the capacity model in docs/stores.md: N sessions written
 * through `RedisStore` exactly as commits write them (typical: a user and a few small keys; large:
 * 10 KB of data), with a per-user index, and `used_memory` read before and after.
 * `pnpm --filter @cookietin/bench store:capacity`
 */
import { randomBytes } from 'node:crypto'
import { RedisStore } from '@cookietin/redis'
import { startRedisServer } from '@cookietin/testkit'
import { Redis } from 'ioredis'

const COUNT = 20_000

const typical = (i: number) => ({
  v: '1',
  'd:_user': JSON.stringify(`user${i}`),
  'd:theme': '"dark"',
  'd:cart': JSON.stringify([
    { sku: 'A-1001', qty: 2 },
    { sku: 'B-2002', qty: 1 },
  ]),
  'd:csrf': JSON.stringify(randomBytes(16).toString('hex')),
})
const large = (i: number) => ({
  ...typical(i),
  'd:blob': JSON.stringify(randomBytes(7500).toString('base64')),
})

const server = await startRedisServer()
const client = new Redis(server.port, '127.0.0.1')
const store = new RedisStore(client)
const usedMemory = async () =>
  Number(/used_memory:(\d+)/.exec(String(await client.info('memory')))?.[1])

try {
  for (const [name, fields] of [
    ['typical', typical],
    ['large', large],
  ] as const) {
    await client.flushall()
    const before = await usedMemory()
    let json = 0
    for (let i = 0; i < COUNT; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => {
          const set = fields(i + j)
          if (i + j === 0)
            json = Object.entries(set).reduce((n, [k, v]) => n + k.length + v.length, 0)
          return store.write(randomBytes(16).toString('hex'), {
            set,
            remove: [],
            create: true,
            ttl: 1_209_600,
            user: { now: `user${(i + j) % (COUNT / 2)}`, before: null },
          })
        }),
      )
    }
    const perSession = (await usedMemory()) - before
    console.log(
      JSON.stringify({
        sessions: name,
        fieldBytes: json,
        redisBytesPerSession: Math.round(perSession / COUNT),
      }),
    )
  }
} finally {
  client.disconnect()
  await server.close()
}
