import koa3 from 'koa'
import koa2 from 'koa2'
import { backend as nodeBackend } from '../../core/src/crypto/backend.node.ts'
import { backend as webBackend } from '../../core/src/crypto/backend.web.ts'

export const SECRET = 'koa-adapter-test-secret-0123456789abcdef'
export const koas = [
  { koa: 'koa 3', Koa: koa3 },
  { koa: 'koa 2', Koa: koa2 },
]
export const backends = [
  { backend: 'node', crypto: nodeBackend },
  { backend: 'web', crypto: webBackend },
] as const
export const cases = koas.flatMap((koa) => backends.map((backend) => ({ ...koa, ...backend })))
