import { type Send, freshFetch } from '@cookietin/testkit'
import { serve } from 'srvx'
import { backend as nodeBackend } from '../../core/src/crypto/backend.node.ts'
import { backend as webBackend } from '../../core/src/crypto/backend.web.ts'

export const SECRET = 'fetch-adapter-test-secret-0123456789abcdef'
export const backends = [
  { backend: 'node', crypto: nodeBackend },
  { backend: 'web', crypto: webBackend },
] as const

export type Data = { user: string; blob: string; items: string[] }
export type FetchHandler = (request: Request) => Response | Promise<Response>

export interface Transport {
  transport: string
  open: (fetch: FetchHandler) => Promise<{ send: Send; close: () => Promise<void> }>
}

export const transports: Transport[] = [
  {
    // What Bun.serve, Deno.serve, a Worker or Next.js do: call the handler with a Request.
    transport: 'a direct call',
    open: async (fetch) => ({
      send: async (path, init) => fetch(new Request(new URL(path, 'http://example.test'), init)),
      close: async () => {},
    }),
  },
  {
    transport: 'srvx on Node over HTTP',
    open: async (fetch) => {
      const server = serve({ fetch, port: 0, hostname: '127.0.0.1', silent: true })
      await server.ready()
      const url = new URL(server.url as string).origin
      return { send: (path, init) => freshFetch(url + path, init), close: () => server.close(true) }
    },
  },
]
