import { isCookietinError } from '@cookietin/core'
import { listen, startTlsProxy } from '@cookietin/testkit'
import Koa from 'koa'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cookietin } from '../src/index.ts'

const SECRET = 'a koa usability secret of 32 bytes or more'

/** Answers an error with its code and message, as an app's error middleware would log it. */
const reportErrors: Koa.Middleware = async (ctx, next) => {
  try {
    await next()
  } catch (error) {
    ctx.status = 500
    ctx.body = {
      code: isCookietinError(error) ? error.code : 'OTHER',
      message: error instanceof Error ? error.message : String(error),
    }
  }
}

describe('mistakes are caught where they are made (Koa)', () => {
  it('a middleware that runs before cookietin gets an error naming app.use(cookietin(...)) once the app has served one request', async () => {
    const app = new Koa()
    app.use(reportErrors)
    app.use(async (ctx, next) => {
      if (ctx.path === '/early') ctx.session.set('user', 'alice')
      await next()
    })
    app.use(cookietin({ secrets: SECRET }))
    app.use((ctx) => {
      ctx.body = { user: ctx.session.get('user') ?? null }
    })
    const server = await listen(app.callback())
    try {
      // The accessors live on this app's own context, defined when cookietin first runs: other Koa
      // apps in the process keep an ordinary `ctx.session`.
      expect((await server.send('/late')).status).toBe(200)
      const early = await server.send('/early')
      const body = (await early.json()) as { code: string; message: string }
      expect(body.code).toBe('MIDDLEWARE_NOT_RUN')
      expect(body.message).toContain('ctx.session')
      expect(body.message).toContain('app.use(cookietin(')
      expect((await server.send('/late')).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it('ctx.session = {...} with a value the session cannot store changes nothing', async () => {
    const app = new Koa()
    app.use(reportErrors)
    app.use(cookietin({ secrets: SECRET }))
    app.use((ctx) => {
      ctx.session.set('user', 'kept')
      // The test files augment SessionData; a plain-JS app would pass this untyped.
      ctx.session = { items: ['a'], blob: new Date(0) as unknown as string }
    })
    const server = await listen(app.callback())
    try {
      const body = (await (await server.send('/')).json()) as { code: string; message: string }
      expect(body.code).toBe('UNSTORABLE_VALUE')
      expect(body.message).toContain('blob is a Date')
      expect(body.message).toContain('toISOString()')
    } finally {
      await server.close()
    }
  })
})

describe("behind nginx terminating TLS, secure: 'auto' (Koa)", () => {
  afterEach(() => vi.unstubAllEnvs())

  async function throughProxy(trustProxy: boolean) {
    vi.stubEnv('NODE_ENV', 'production')
    const warn = vi.fn()
    const app = new Koa({ proxy: trustProxy })
    app.use(cookietin({ secrets: SECRET, warn }))
    app.use((ctx) => {
      ctx.session.set('user', 'alice')
      ctx.body = 'ok'
    })
    const server = await listen(app.callback())
    const proxy = await startTlsProxy(server.url)
    try {
      const responses = [await proxy.get('/'), await proxy.get('/')]
      return { responses, warnings: warn.mock.calls.map(([message]) => String(message)) }
    } finally {
      proxy.stop()
      await server.close()
    }
  }

  it('with `app.proxy = true` the session cookie is Secure and nothing warns', async () => {
    const { responses, warnings } = await throughProxy(true)
    for (const response of responses) expect(response.setCookie[0]).toMatch(/^session=.*; Secure/)
    expect(warnings).toEqual([])
  })

  it('without it the cookie goes without Secure, and one warning names the fix', async () => {
    const { responses, warnings } = await throughProxy(false)
    expect(responses[0]?.setCookie[0]).not.toMatch(/Secure/)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('app.proxy = true')
  })
})
