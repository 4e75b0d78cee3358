import { expect } from 'vitest'
import type { Client, Reply } from '../client.ts'
import { DEFAULT_MAX_AGE } from '../constants.ts'
import {
  apiLogin,
  expectJson,
  expectNoSetCookie,
  expectSessionSet,
  expectVaryCookie,
  patchSession,
  postFlash,
  readSession,
  sessionCookiesOf,
} from '../expect.ts'
import { defineScenarios } from '../scenario.ts'

/** One server per format for the three settings that only change attributes. */
const CUSTOM_ENV = { SESSION_MAX_AGE: '3600', COOKIE_SECURE: 'true', SESSION_COOKIE: 'sid' }

/** Requests whose answer depends on the session, as [label, request]. */
const SESSION_READS: ReadonlyArray<[string, (c: Client) => Promise<Reply>]> = [
  ['GET /api/session', (c) => c.get('/api/session')],
  ['GET /api/me', (c) => c.get('/api/me')],
  ['GET /api/flash', (c) => c.get('/api/flash')],
  ['GET /', (c) => c.get('/')],
  ['GET /protected', (c) => c.get('/protected')],
]

export const headerScenarios = defineScenarios('headers', [
  {
    title: 'Vary: Cookie on every response that read the session',
    async run(ctx) {
      const fresh = await ctx.client()
      for (const [, request] of SESSION_READS) expectVaryCookie(await request(fresh))
      const c = await ctx.client()
      expectVaryCookie(await c.patch('/api/session', { json: { a: 1 } }))
      expectVaryCookie(await c.post('/api/session/pop', { json: { key: 'a' } }))
      expectVaryCookie(
        await c.post('/api/login', { json: { username: 'alice', password: 'wonderland' } }),
      )
      for (const [label, request] of SESSION_READS) {
        const reply = await request(c)
        expect(reply.status, label).toBeLessThan(400)
        expectVaryCookie(reply)
      }
    },
  },
  {
    title: 'no Set-Cookie on an unchanged read of an existing session',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await apiLogin(c)
      await patchSession(c, { a: 1 })
      for (const [, request] of SESSION_READS) expectNoSetCookie(await request(c))
      expectNoSetCookie(await c.get('/api/cookies'))
      expectNoSetCookie(await c.get('/login'))
    },
  },
  {
    title: 'no Set-Cookie for a new session that stays empty',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      for (const [, request] of SESSION_READS) expectNoSetCookie(await request(c))
      expectNoSetCookie(await c.get('/login'))
      expectNoSetCookie(await c.get('/api/cookies'))
      expectNoSetCookie(await c.post('/api/session/pop', { json: { key: 'nothing' } }))
      expectNoSetCookie(await c.patch('/api/session', { json: { nothing: null } }))
      expect(await c.cookieNames()).toEqual([])
    },
  },
  {
    title:
      'the session cookie is HttpOnly, Path=/, SameSite=Lax, Max-Age=SESSION_MAX_AGE (default 1209600)',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      expectSessionSet(await c.patch('/api/session', { json: { a: 1 } }), {
        maxAge: DEFAULT_MAX_AGE,
        secure: false,
      })
      // With a store the cookie holds only the id: a change sends none, a new id (regenerate) does.
      const changed = await c.patch('/api/session', { json: { a: 2 } })
      if (ctx.mode === 'cookie') {
        expectSessionSet(changed, { maxAge: DEFAULT_MAX_AGE, secure: false })
      } else expectNoSetCookie(changed)
      expectSessionSet(await c.post('/api/session/regenerate'), {
        maxAge: DEFAULT_MAX_AGE,
        secure: false,
      })
      await postFlash(c, 'x')
      const consumed = await c.get('/api/flash')
      if (ctx.mode === 'cookie') {
        expectSessionSet(consumed, { maxAge: DEFAULT_MAX_AGE, secure: false })
      } else expectNoSetCookie(consumed)
    },
  },
  {
    title: 'SESSION_MAX_AGE sets the session cookie Max-Age',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client(CUSTOM_ENV)
      expectSessionSet(await c.patch('/api/session', { json: { a: 1 } }), {
        name: 'sid',
        maxAge: 3600,
      })
      expectSessionSet(await c.post('/api/session/regenerate'), { name: 'sid', maxAge: 3600 })
    },
  },
  {
    title: 'COOKIE_SECURE=true marks the session cookie Secure',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client(CUSTOM_ENV)
      expectSessionSet(await c.patch('/api/session', { json: { a: 1 } }), {
        name: 'sid',
        secure: true,
      })
      expectSessionSet(await c.post('/api/session/regenerate'), { name: 'sid', secure: true })
      expect(await readSession(c), 'the jar sends Secure cookies to loopback').toEqual({
        data: { a: 1 },
        isNew: false,
      })
    },
  },
  {
    title: 'COOKIE_SECURE=false, and auto over plain HTTP, send no Secure',
    async run(ctx) {
      for (const secure of ['false', 'auto']) {
        const c = await ctx.client({ COOKIE_SECURE: secure })
        expectSessionSet(await c.patch('/api/session', { json: { a: 1 } }), { secure: false })
      }
    },
  },
  {
    title: 'SESSION_COOKIE names the session cookie',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client(CUSTOM_ENV)
      const reply = await c.patch('/api/session', { json: { a: 1 } })
      expectSessionSet(reply, { name: 'sid' })
      expect(sessionCookiesOf(reply, 'session'), reply.summary).toEqual([])
      expect(await readSession(c)).toEqual({ data: { a: 1 }, isNew: false })
      expect(
        await readSession(await ctx.client()),
        'a `session` server does not read `sid`',
      ).toEqual({ data: {}, isNew: true })
      const moved = await c.get('/api/session', {
        cookie: (await c.cookieHeader()).replace(/^sid=/, 'session='),
      })
      expect(expectJson(moved, 200)).toEqual({ data: {}, isNew: true })
    },
  },
  {
    title: 'JSON answers are application/json and HTML pages text/html',
    async run(ctx) {
      const c = await ctx.client()
      for (const path of ['/api/session', '/api/cookies', '/api/flash', '/api/me']) {
        expect((await c.get(path)).contentType, path).toMatch(/^application\/json\b/i)
      }
      for (const path of ['/', '/login', '/protected']) {
        expect((await c.get(path)).contentType, path).toMatch(/^text\/html\b/i)
      }
    },
  },
])
