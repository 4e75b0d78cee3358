import { isCookietinError } from '@cookietin/core'
import { cookietin } from '@cookietin/express'
import { listen, startTlsProxy } from '@cookietin/testkit'
import express, { type NextFunction, type Request, type Response } from 'express'
import { afterEach, describe, expect, test, vi } from 'vitest'

const SECRET = 'an express usability secret, 32 bytes or more'

/** Answers an error with its code and message, as an app's error handler would log it. */
function reportErrors(app: express.Express): void {
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({
      code: isCookietinError(error) ? error.code : 'OTHER',
      message: error instanceof Error ? error.message : String(error),
    })
  })
}

describe('mistakes are caught where they are made (Express)', () => {
  test('a route registered before the middleware gets an error naming app.use(cookietin(...)) once the app has served one request', async () => {
    const app = express()
    app.get('/early', (req, res) => {
      req.session.set('user', 'alice')
      res.send('unreachable')
    })
    app.use(cookietin({ secrets: SECRET }))
    app.get('/late', (req, res) => void res.json({ user: req.session.get('user') ?? null }))
    reportErrors(app)
    const server = await listen(app)
    try {
      // The guard lives on this app's own `app.request`, set when cookietin first runs: other apps in
      // the process keep an ordinary `req.session`.
      expect((await server.send('/late')).status).toBe(200)
      const early = await server.send('/early')
      expect(early.status).toBe(500)
      const body = (await early.json()) as { code: string; message: string }
      expect(body.code).toBe('MIDDLEWARE_NOT_RUN')
      expect(body.message).toContain('req.session')
      expect(body.message).toContain('app.use(cookietin(')
      expect((await server.send('/late')).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  test('a value the session cannot store is refused in the route, naming its path', async () => {
    const app = express()
    app.use(cookietin({ secrets: SECRET }))
    app.get('/', (req, res) => {
      // The test files augment SessionData; a plain-JS app would pass this untyped.
      req.session.set('blob', { items: [{ price: 10n }] } as unknown as string)
      res.send('unreachable')
    })
    reportErrors(app)
    const server = await listen(app)
    try {
      const response = await server.send('/')
      const body = (await response.json()) as { code: string; message: string }
      expect(body.code).toBe('UNSTORABLE_VALUE')
      expect(body.message).toContain('blob.items[0].price is a BigInt')
      expect(response.headers.getSetCookie()).toEqual([])
    } finally {
      await server.close()
    }
  })
})

describe("behind nginx terminating TLS, secure: 'auto' (Express)", () => {
  afterEach(() => vi.unstubAllEnvs())

  async function throughProxy(trustProxy: boolean) {
    vi.stubEnv('NODE_ENV', 'production')
    const warn = vi.fn()
    const app = express()
    if (trustProxy) app.set('trust proxy', 1)
    app.use(cookietin({ secrets: SECRET, warn }))
    app.get('/login', (req, res) => {
      req.session.set('user', 'alice')
      res.send('ok')
    })
    const server = await listen(app)
    const proxy = await startTlsProxy(server.url)
    try {
      const responses = [await proxy.get('/login'), await proxy.get('/login')]
      return { responses, warnings: warn.mock.calls.map(([message]) => String(message)) }
    } finally {
      proxy.stop()
      await server.close()
    }
  }

  test("with `app.set('trust proxy', 1)` the session cookie is Secure and nothing warns", async () => {
    const { responses, warnings } = await throughProxy(true)
    for (const response of responses) {
      expect(response.status).toBe(200)
      expect(response.setCookie[0]).toMatch(/^session=.*; Secure/)
    }
    expect(warnings).toEqual([])
  })

  test('without it the cookie goes without Secure, and one warning names the fix', async () => {
    const { responses, warnings } = await throughProxy(false)
    expect(responses[0]?.setCookie[0]).not.toMatch(/Secure/)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain("app.set('trust proxy', 1)")
  })
})
