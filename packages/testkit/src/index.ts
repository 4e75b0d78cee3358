export { Browser } from './browser.ts'
export { BrowserJar, cookieNames } from './jar.ts'
export { type Listening, type Send, freshFetch, listen } from './server.ts'
export { randomHex } from './random.ts'
export { markdownCodeBlocks } from './readme.ts'
export { NGINX, type ProxiedResponse, type TlsProxy, startTlsProxy } from './tlsProxy.ts'
export {
  type RedisCluster,
  type RedisServer,
  type RedisServerOptions,
  freePort,
  hasRedisServer,
  startRedisCluster,
  startRedisServer,
} from './redis.ts'
