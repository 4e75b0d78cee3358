import type { AddressInfo } from 'node:net'
import type Koa from 'koa'
import koa3 from 'koa'
import koa2 from 'koa2'
import { backend as nodeBackend } from '../../core/src/crypto/backend.node.ts'
import { backend as webBackend } from '../../core/src/crypto/backend.web.ts'
import { BrowserJar } from '../../core/test/browserJar.ts'

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

export type Send = (path: string, init?: RequestInit) => Promise<Response>

/** Listens on a free port; `send` fetches from it without following redirects. */
export async function listen(app: Koa): Promise<{ send: Send; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  return {
    send: (path, init = {}) => {
      // A fresh connection per request: on a busy machine a kept-alive socket the server is closing
      // races the next request and fails it with ECONNRESET, which says nothing about the adapter.
      const headers = new Headers(init.headers)
      headers.set('connection', 'close')
      return fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual', ...init, headers })
    },
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ),
  }
}

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
