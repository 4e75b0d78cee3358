/**
 * node-redis vs ioredis on what a store-mode request sends: HGETALL then EVALSHA, sequentially
 * (client CPU per pair) and from 10 concurrent loops (pairs per second), same redis-server, three
 * rounds. The evidence behind @cookietin/redis taking ioredis.
 * `pnpm --filter @cookietin/bench store:clients`
 */
import { startRedisServer } from '@cookietin/testkit'
import { Redis } from 'ioredis'
import { createClient } from 'redis'

const SCRIPT = "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return redis.call('PTTL', KEYS[1])"
const N = 5000

const server = await startRedisServer()
const nodeRedis = createClient({ url: server.url })
await nodeRedis.connect()
const ioredis = new Redis(server.port, '127.0.0.1')
const sha = await nodeRedis.scriptLoad(SCRIPT)
const clients = {
  'node-redis': async (key: string) => {
    await nodeRedis.hGetAll(key)
    await nodeRedis.evalSha(sha, { keys: [key], arguments: ['f', 'v'] })
  },
  ioredis: async (key: string) => {
    await ioredis.hgetall(key)
    await ioredis.evalsha(sha, 1, key, 'f', 'v')
  },
}
try {
  for (let round = 0; round < 3; round++) {
    for (const [name, pair] of Object.entries(clients)) {
      const cpu = process.cpuUsage()
      for (let i = 0; i < N; i++) await pair(`s${i % 50}`)
      const used = process.cpuUsage(cpu)
      const started = performance.now()
      await Promise.all(
        Array.from({ length: 10 }, async (_, j) => {
          for (let i = 0; i < N / 10; i++) await pair(`s${j}`)
        }),
      )
      const seconds = (performance.now() - started) / 1000
      console.log(
        JSON.stringify({
          round,
          client: name,
          cpuPerPairUs: Number(((used.user + used.system) / N).toFixed(1)),
          concurrentPairsPerSecond: Math.round(N / seconds),
        }),
      )
    }
  }
} finally {
  nodeRedis.destroy()
  ioredis.disconnect()
  await server.close()
}
