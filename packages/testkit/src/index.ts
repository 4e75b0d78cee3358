export { Browser } from './browser.ts'
export { BrowserJar, cookieNames } from './jar.ts'
export { type Listening, type Send, freshFetch, listen } from './server.ts'
export { randomHex } from './random.ts'
export {
  type RedisCluster,
  type RedisServer,
  type RedisServerOptions,
  freePort,
  hasRedisServer,
  startRedisCluster,
  startRedisServer,
} from './redis.ts'
