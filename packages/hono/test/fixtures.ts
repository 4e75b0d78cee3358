import { createAdaptorServer } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import type { Hono } from 'hono'
import { backend as nodeBackend } from '../../core/src/crypto/backend.node.ts'
import { backend as webBackend } from '../../core/src/crypto/backend.web.ts'
import { BrowserJar } from '../../core/test/browserJar.ts'
import type { CookietinEnv } from '../src/index.ts'

export const SECRET = 'hono-adapter-test-secret-0123456789abcdef'
export const backends = [
  { backend: 'node', crypto: nodeBackend },
  { backend: 'web', crypto: webBackend },
] as const

export type Data = { user: string; blob: string; items: string[] }
export type App = Hono<CookietinEnv<Data>>
export type Send = (path: string, init?: RequestInit) => Promise<Response>

export interface Transport {
  transport: string
  open: (app: App) => Promise<{ send: Send; close: () => Promise<void> }>
}

export const transports: Transport[] = [
  {
    transport: 'app.request',
    open: async (app) => ({
      send: async (path, init) => app.request(path, init),
      close: async () => {},
    }),
  },
  {
    transport: '@hono/node-server over HTTP',
    open: async (app) => {
      const server = createAdaptorServer({ fetch: app.fetch })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      return {
        send: (path, init = {}) => {
          // A fresh connection per request: a kept-alive socket the server is closing races the next
          // request on a busy machine (ECONNRESET), which says nothing about the adapter.
          const headers = new Headers(init.headers)
          headers.set('connection', 'close')
          return fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual', ...init, headers })
        },
        close: () =>
          new Promise<void>((resolve, reject) =>
            server.close((error) => (error ? reject(error) : resolve())),
          ),
      }
    },
  },
]

/** A browser: keeps the cookies it is sent and sends them back. */
export function browser(send: Send) {
  const jar = new BrowserJar()
  return {
    jar,
    async request(path: string, init: RequestInit = {}): Promise<Response> {
      const headers = new Headers(init.headers)
      if (jar.cookies.size > 0) headers.set('Cookie', jar.header)
      const response = await send(path, { ...init, headers })
      jar.apply(response.headers.getSetCookie())
      return response
    },
  }
}

/** `name` of each Set-Cookie line. */
export const cookieNames = (response: Response) =>
  response.headers.getSetCookie().map((line) => line.split('=')[0])

/** Incompressible hex of `bytes` random bytes. */
export const randomHex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('')
