import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Express } from 'express'

/** Listens on a free port; `close` stops it. */
export async function listen(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** Carries cookies between requests as a browser would (names and values only). */
export class Browser {
  readonly cookies = new Map<string, string>()
  constructor(readonly base: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  async fetch(
    path: string,
    init: RequestInit = {},
  ): Promise<Response & { setCookie: string[]; text_: string }> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader)
    // A fresh connection per request: a kept-alive socket the server is closing races the next request
    // on a busy machine (ECONNRESET), which says nothing about the adapter.
    headers.set('connection', 'close')
    const response = await fetch(this.base + path, { redirect: 'manual', ...init, headers })
    const setCookie = response.headers.getSetCookie()
    for (const line of setCookie) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      if (/;\s*max-age=0(;|$)/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, pair.slice(eq + 1))
    }
    return Object.assign(response, { setCookie, text_: await response.text() })
  }
}

/** Names of the cookies a response sets (deletions included). */
export const names = (setCookie: readonly string[]): string[] =>
  setCookie.map((line) => line.slice(0, line.indexOf('=')))
