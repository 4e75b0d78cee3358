import { createAdaptorServer } from '@hono/node-server'
import { isCookietinError } from '@cookietin/core'
import { listen, startTlsProxy } from '@cookietin/testkit'
import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type CookietinEnv,
  type HonoCookietinOptions,
  cookietin,
  getCookies,
  getSession,
} from '../src/index.ts'

const SECRET = 'a hono usability secret of 32 bytes or more'

function reportErrors(app: Hono<CookietinEnv>): void {
  app.onError((error, c) =>
    c.json(
      {
        code: isCookietinError(error) ? error.code : 'OTHER',
        message: error instanceof Error ? error.message : String(error),
      },
      500,
    ),
  )
}

describe('mistakes are caught where they are made (Hono)', () => {
  it('getSession(c) on a route the middleware did not run for names app.use(cookietin(...))', async () => {
    const app = new Hono<CookietinEnv>()
    reportErrors(app)
    app.get('/early', (c) => {
      getSession(c).set('user', 'alice')
      return c.text('unreachable')
    })
    app.get('/jar', (c) => c.text(getCookies(c).get('a') ?? ''))
    app.use(cookietin({ secrets: SECRET }))
    app.get('/late', (c) => c.json({ user: getSession(c).get('user') ?? null }))
    for (const path of ['/early', '/jar']) {
      const body = (await (await app.request(path)).json()) as { code: string; message: string }
      expect(body.code).toBe('MIDDLEWARE_NOT_RUN')
      expect(body.message).toContain('app.use(cookietin(')
    }
    expect((await app.request('/late')).status).toBe(200)
  })

  it('a value the session cannot store is refused in the route, naming its path', async () => {
    const app = new Hono<CookietinEnv>()
    reportErrors(app)
    app.use(cookietin({ secrets: SECRET }))
    app.get('/', (c) => {
      c.get('session').set('prefs', { onChange: () => {} })
      return c.text('unreachable')
    })
    const body = (await (await app.request('/')).json()) as { message: string }
    expect(body.message).toContain('prefs.onChange is a function')
  })

  it('the adapter options are checked too', () => {
    expect(() => cookietin({ secrets: SECRET, trustProxy: 'yes' } as never)).toThrowError(
      /trustProxy/,
    )
  })
})

describe("behind nginx terminating TLS, secure: 'auto' (Hono on @hono/node-server)", () => {
  afterEach(() => vi.unstubAllEnvs())

  async function throughProxy(options: HonoCookietinOptions) {
    vi.stubEnv('NODE_ENV', 'production')
    const warn = vi.fn()
    const app = new Hono<CookietinEnv>()
    app.use(cookietin({ secrets: SECRET, warn, ...options }))
    app.get('/', (c) => {
      c.get('session').set('user', 'alice')
      return c.text('ok')
    })
    const server = await listen(createAdaptorServer({ fetch: app.fetch }))
    const proxy = await startTlsProxy(server.url)
    try {
      const responses = [await proxy.get('/'), await proxy.get('/')]
      return { responses, warnings: warn.mock.calls.map(([message]) => String(message)) }
    } finally {
      proxy.stop()
      await server.close()
    }
  }

  it('with `trustProxy: true` the session cookie is Secure and nothing warns', async () => {
    const { responses, warnings } = await throughProxy({ trustProxy: true })
    for (const response of responses) expect(response.setCookie[0]).toMatch(/^session=.*; Secure/)
    expect(warnings).toEqual([])
  })

  it('with `isSecure` deciding, the same', async () => {
    const { responses } = await throughProxy({
      isSecure: (c) => c.req.header('X-Forwarded-Proto') === 'https',
    })
    expect(responses[0]?.setCookie[0]).toMatch(/; Secure/)
  })

  it('without either the cookie goes without Secure, and one warning names the fix', async () => {
    const { responses, warnings } = await throughProxy({})
    expect(responses[0]?.setCookie[0]).not.toMatch(/Secure/)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('trustProxy: true')
  })

  it("without trustProxy, a client's own X-Forwarded-Proto is not believed", async () => {
    const app = new Hono<CookietinEnv>()
    app.use(cookietin({ secrets: SECRET, trustProxy: false }))
    app.get('/', (c) => {
      c.get('session').set('user', 'alice')
      return c.text('ok')
    })
    const response = await app.request('/', { headers: { 'X-Forwarded-Proto': 'https' } })
    expect(response.headers.get('Set-Cookie')).not.toMatch(/Secure/)
  })
})
