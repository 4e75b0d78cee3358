import { Browser as BaseBrowser, freshFetch } from '@cookietin/testkit'

/** The testkit browser on a server's URL, each response's Set-Cookie lines and body at hand. */
export class Browser extends BaseBrowser {
  constructor(base: string) {
    super((path, init) => freshFetch(base + path, init))
  }

  /** The jar's cookies, name to value. */
  get cookies(): Map<string, string> {
    return this.jar.cookies
  }

  async fetch(
    path: string,
    init: RequestInit = {},
  ): Promise<Response & { setCookie: string[]; text_: string }> {
    const response = await this.request(path, init)
    return Object.assign(response, {
      setCookie: response.headers.getSetCookie(),
      text_: await response.text(),
    })
  }
}
