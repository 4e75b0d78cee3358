import { type Send, freshFetch } from '@cookietin/testkit'
import type { FastifyInstance } from 'fastify'
import { backend as nodeBackend } from '../../core/src/crypto/backend.node.ts'
import { backend as webBackend } from '../../core/src/crypto/backend.web.ts'

export const SECRET = 'fastify-adapter-test-secret-0123456789abcdef'
export const backends = [
  { backend: 'node', crypto: nodeBackend },
  { backend: 'web', crypto: webBackend },
] as const

export interface Transport {
  transport: string
  open: (app: FastifyInstance) => Promise<{ send: Send; close: () => Promise<void> }>
}

/** A light-my-request response as a web `Response`, Set-Cookie lines kept apart. */
async function injected(app: FastifyInstance, path: string, init: RequestInit = {}) {
  const headers: Record<string, string> = {}
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value
  })
  const reply = await app.inject({
    method: (init.method ?? 'GET') as 'GET',
    url: path,
    headers,
    ...(typeof init.body === 'string' ? { payload: init.body } : {}),
  })
  const out = new Headers()
  for (const [name, value] of Object.entries(reply.headers)) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) out.append(name, String(item))
  }
  const empty = reply.statusCode === 204 || reply.statusCode === 304
  return new Response(empty ? null : new Uint8Array(reply.rawPayload), {
    status: reply.statusCode,
    headers: out,
  })
}

export const transports: Transport[] = [
  {
    transport: 'app.inject',
    open: async (app) => ({
      send: (path, init) => injected(app, path, init),
      close: () => app.close(),
    }),
  },
  {
    transport: 'HTTP',
    open: async (app) => {
      const url = await app.listen({ port: 0, host: '127.0.0.1' })
      return { send: (path, init) => freshFetch(url + path, init), close: () => app.close() }
    },
  },
]
