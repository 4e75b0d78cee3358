import { BrowserJar } from './jar.ts'
import type { Send } from './server.ts'

/** A browser over `send`: keeps the cookies it is sent and sends them back. */
export class Browser {
  readonly jar = new BrowserJar()
  readonly #send: Send

  constructor(send: Send) {
    this.#send = send
  }

  /** Sends the jar's cookies (unless `init` has a Cookie header) and stores what comes back. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.jar.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.jar.header)
    const response = await this.#send(path, { ...init, headers })
    this.jar.apply(response.headers.getSetCookie())
    return response
  }
}
