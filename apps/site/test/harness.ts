import { createSessionHandler, parseCookies } from '@cookietin/core'
import { BrowserJar } from '@cookietin/testkit'
import { type Action, type Site, createSite } from '../src/api.ts'
import { type Env, loadConfig, sessionOptions } from '../src/config.ts'
import type { HttpResponse } from '../src/http.ts'
import { type UserStore, createUserStore } from '../src/users.ts'

const SECRET = 'test-secret-0123456789abcdef0123456789'

// Hashing the demo users takes ~100 ms: once per test file.
let sharedUsers: UserStore | undefined
const users = () => (sharedUsers ??= createUserStore())

export interface Exchange extends HttpResponse {
  setCookie: string[]
  vary: boolean
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test responses are checked field by field
  json: any
}

export interface RequestOptions {
  body?: unknown
  url?: string
  params?: Record<string, string>
  secure?: boolean
}

/**
 * Runs site actions the way an adapter would (begin, action with an early-commit helper, end) and keeps
 * the cookies between requests like a browser that ignores attributes.
 */
export async function createClient(env: Env = {}) {
  const config = loadConfig({ SESSION_SECRETS: SECRET, ...env }, { warn: () => {} })
  const site: Site = createSite(config, { users: users(), logError: () => {} })
  const handler = createSessionHandler(await sessionOptions(config))
  const browser = new BrowserJar()
  const jar = browser.cookies

  async function send(action: Action, options: RequestOptions = {}): Promise<Exchange> {
    const scope = await handler.begin(browser.header, { secure: options.secure ?? false })
    const body =
      options.body === undefined
        ? null
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body)
    const response = await site.handle(action, {
      session: scope.session,
      cookies: scope.cookies,
      body,
      url: options.url ?? '/',
      params: options.params ?? {},
      commitSession: async () => scope.commit(),
    })
    const result = await scope.finish()
    browser.apply(result.setCookie)
    return {
      ...response,
      ...result,
      json:
        response.body && response.headers['Content-Type']?.startsWith('application/json')
          ? JSON.parse(response.body)
          : undefined,
    }
  }

  return {
    site,
    config,
    send,
    jar,
    cookies: () => Object.fromEntries(Object.entries(parseCookies(browser.header))),
  }
}
