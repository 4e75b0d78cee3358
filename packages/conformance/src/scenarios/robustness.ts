import { expect } from 'vitest'
import type { Client, RequestOptions } from '../client.ts'
import { SECRET_B, sleep } from '../constants.ts'
import {
  expectClientError,
  expectError,
  expectJson,
  expectNoSetCookie,
  expectSessionSet,
  expectStatus,
  patchSession,
  readSession,
} from '../expect.ts'
import { defineScenarios } from '../scenario.ts'
import { tamper } from './tamper.ts'
import { ALL_FORMATS, STORE_FORMATS } from '../types.ts'

/** Node's default `--max-http-header-size`. */
const NODE_HEADER_LIMIT = 16 * 1024

/**
 * A request carrying `cookie` sees a new empty session and is not logged in; `thorough` also checks
 * the pages and flashes (kept to a few cases: each request counts on a busy machine).
 */
async function expectFreshWith(
  c: Client,
  cookie: string,
  options: { transport?: RequestOptions['transport']; thorough?: boolean } = {},
): Promise<void> {
  const label = `Cookie: ${cookie.slice(0, 120)}`
  const request: RequestOptions = { cookie, transport: options.transport ?? 'fetch' }
  const reply = await c.get('/api/session', request)
  expect(expectJson(reply, 200), label).toEqual({ data: {}, isNew: true })
  expectNoSetCookie(reply)
  expectError(await c.get('/api/me', request), 401, 'UNAUTHORIZED')
  if (!options.thorough) return
  expect((await c.get('/', request)).status, label).toBe(200)
  expect((await c.get('/protected', request)).status, label).toBe(401)
  expect(expectJson(await c.get('/api/flash', request), 200), label).toEqual({ messages: [] })
}

/** The session cookie value of a client holding one unchunked session cookie. */
async function sessionValue(c: Client): Promise<string> {
  const value = (await c.cookieValues())['session']
  if (value === undefined)
    throw new Error(`expected a session cookie, the jar has ${(await c.cookieNames()).join(', ')}`)
  return value
}

/** Writes a session and returns its cookie value. */
async function writeSession(c: Client): Promise<string> {
  await patchSession(c, { secret: 'value' })
  return sessionValue(c)
}

/** Every endpoint that takes a JSON body. */
const JSON_ENDPOINTS: ReadonlyArray<[string, string]> = [
  ['PUT', '/api/cookies/x'],
  ['PATCH', '/api/session'],
  ['POST', '/api/session/pop'],
  ['POST', '/api/flash'],
  ['POST', '/api/login'],
]

const MALFORMED_BODIES = ['', '{', '[1,', '"unterminated', '{"a":1}}', '\u0000', '{"a": NaN}']

export const robustnessScenarios = defineScenarios('robustness', [
  {
    title: 'a tampered session cookie reads as a new empty session, never an error',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      const value = await writeSession(c)
      await expectFreshWith(c, `session=${tamper(value)}`, { thorough: true })
      for (const at of [8, value.length - 12])
        await expectFreshWith(c, `session=${tamper(value, at)}`)
      // A tampered cookie is replaced by the next write.
      const reply = await c.patch('/api/session', {
        json: { fresh: 1 },
        cookie: `session=${tamper(value)}`,
      })
      expect(expectJson(reply, 200)).toEqual({ data: { fresh: 1 } })
      expectSessionSet(reply)
    },
  },
  {
    title: 'a truncated session cookie reads as a new empty session',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      const value = await writeSession(c)
      for (const cut of [
        value.slice(0, -1),
        value.slice(0, -8),
        value.slice(0, value.length / 2),
        value.slice(0, 10),
        value.slice(1),
      ]) {
        await expectFreshWith(c, `session=${cut}`)
      }
    },
  },
  {
    title: 'an expired session cookie reads as a new empty session (SESSION_MAX_AGE=2)',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client({ SESSION_MAX_AGE: '2' })
      const sent = Date.now()
      await patchSession(c, { a: 1 })
      // The server stamped the token between `sent` and now: on a loaded machine a request can take
      // seconds, so the expiry is counted from the answer (the latest the stamp can be), not the
      // ask.
      const answered = Date.now()
      const cookie = await c.cookieHeader()
      const read = await c.get('/api/session', { cookie })
      // Only meaningful while the token is still young.
      if (Date.now() - sent < 1500)
        expect(expectJson(read, 200), 'still valid at once').toEqual({
          data: { a: 1 },
          isNew: false,
        })
      await sleep(Math.max(0, answered + 3500 - Date.now()))
      await expectFreshWith(c, cookie, { thorough: true })
    },
  },
  {
    title: 'a session cookie made with a key the server does not hold reads as a new empty session',
    formats: 'each',
    async run(ctx) {
      const writer = await ctx.client({ SESSION_SECRETS: SECRET_B })
      await writeSession(writer)
      const reader = writer.withServer(await ctx.server())
      await expectFreshWith(reader, await writer.cookieHeader())
    },
  },
  {
    title: 'a session cookie of another format reads as a new empty session',
    formats: 'each',
    async run(ctx) {
      // Flask cannot use a store: store runs compare sealed and signed.
      const all = ctx.mode === 'cookie' ? ALL_FORMATS : STORE_FORMATS
      const others = (ctx.target.formats ?? all).filter((format) => format !== ctx.format)
      const reader = await ctx.client()
      for (const format of others) {
        const writer = await ctx.client({ SESSION_FORMAT: format })
        await writeSession(writer)
        await expectFreshWith(reader, await writer.cookieHeader())
      }
    },
  },
  {
    title: 'a signed plain cookie named like the session is not a session',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      expectStatus(
        await c.put('/api/cookies/session', { json: { value: '{"_user":"alice"}', signed: true } }),
        204,
      )
      await expectFreshWith(c, await c.cookieHeader())
    },
  },
  {
    title: 'garbage session cookies read as a new empty session',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      for (const cookie of [
        'session=\u00ff\u00fe',
        'session=',
        'session=x',
        'session=!!!!',
        'session=%',
        'session=%zz%',
        'session=a.b.c',
        'session=...',
        'session=.eJw',
        'session=v1.',
        'session=eyJfdXNlciI6ImFsaWNlIn0',
        'session=eyJfdXNlciI6ImFsaWNlIn0.ZZZZZZ.abcdefabcdefabcdefabcdefabc',
        `session=${'A'.repeat(4000)}`,
        'session="quoted"',
        'session.0=abc; session.1=def',
        'session.1=abc',
        'session.0=; session=',
      ]) {
        await expectFreshWith(c, cookie, { transport: 'node' })
      }
    },
  },
  {
    title: 'the first of duplicate session cookies wins',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      const value = await writeSession(c)
      const reply = await c.get('/api/session', { cookie: `session=${value}; session=garbage` })
      expect(expectJson(reply, 200)).toEqual({ data: { secret: 'value' }, isNew: false })
      await expectFreshWith(c, `session=garbage; session=${value}`)
    },
  },
  {
    title: 'malformed Cookie headers never break a request',
    async run(ctx) {
      const c = await ctx.client()
      const cases: Array<[string, Record<string, string> | undefined]> = [
        [';;;', {}],
        ['=', {}],
        ['=;=;=', {}],
        ['a', {}],
        ['session', {}],
        ['a=1;;;b=2', { a: '1', b: '2' }],
        [';a=1', { a: '1' }],
        ['a==b=c', { a: '=b=c' }],
        ['x=%', { x: '%' }],
        ['x=%%', { x: '%%' }],
        ['x=%E0%A4%A', { x: '%E0%A4%A' }],
        ['a="b', undefined],
        ['a=b"; c', undefined],
        ['  a  =  1  ;  b=2', undefined],
        ['a=\u00e9\u00ff; b=1', undefined],
        ['\u00e9=1; b=2', undefined],
        ['a=1, b=2', undefined],
        ['a=\tb', undefined],
      ]
      for (const [cookie, expected] of cases) {
        // node:http, since fetch refuses to send some of these bytes.
        const reply = await c.get('/api/cookies', { cookie, transport: 'node' })
        const body = expectJson<{ cookies: Record<string, string> }>(reply, 200)
        if (expected) expect(body.cookies, `Cookie: ${cookie}`).toEqual(expected)
        const session = await c.get('/api/session', { cookie, transport: 'node' })
        expect(expectJson(session, 200), `Cookie: ${cookie}`).toEqual({ data: {}, isNew: true })
      }
    },
  },
  {
    title: "a Cookie header just under Node's 16 KB limit is read in full",
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { a: 1 })
      const session = await c.cookieHeader()
      const filler: string[] = []
      let header = session
      // The rest of the request head (request line, Host, User-Agent, Accept...) takes under 400
      // bytes.
      for (let index = 0; header.length + 60 < NODE_HEADER_LIMIT - 700; index++) {
        const pair = `f${String(index).padStart(4, '0')}=${'v'.repeat(40)}`
        filler.push(pair)
        header += `; ${pair}`
      }
      expect(header.length).toBeGreaterThan(15_000)
      const cookies = expectJson<{ cookies: Record<string, string> }>(
        await c.get('/api/cookies', { cookie: header }),
        200,
      ).cookies
      expect(Object.keys(cookies).length).toBe(filler.length + session.split('; ').length)
      expect(cookies[`f${String(filler.length - 1).padStart(4, '0')}`]).toBe('v'.repeat(40))
      const reply = await c.get('/api/session', { cookie: header })
      expect(expectJson(reply, 200)).toEqual({ data: { a: 1 }, isNew: false })
      // The session cookie last, after 15 KB of others.
      const last = await c.get('/api/session', { cookie: `${filler.join('; ')}; ${session}` })
      expect(expectJson(last, 200)).toEqual({ data: { a: 1 }, isNew: false })
    },
  },
  {
    title: 'a __proto__ cookie is just a cookie, and prototype names are not cookies',
    async run(ctx) {
      const c = await ctx.client()
      const cookie = '__proto__=x; constructor=y'
      const all = expectJson<{ cookies: Record<string, string> }>(
        await c.get('/api/cookies', { cookie }),
        200,
      ).cookies
      expect(Object.hasOwn(all, '__proto__'), JSON.stringify(all)).toBe(true)
      expect(all['__proto__']).toBe('x')
      expect(all['constructor']).toBe('y')
      expect(expectJson(await c.get('/api/cookies/__proto__', { cookie }), 200)).toEqual({
        value: 'x',
        valid: true,
      })
      for (const name of ['toString', 'hasOwnProperty', 'valueOf', '__proto__']) {
        expect(expectJson(await c.get(`/api/cookies/${name}`, { cookie: '' }), 200), name).toEqual({
          value: null,
          valid: false,
        })
      }
      expect(expectJson(await c.get('/api/cookies', { cookie: '' }), 200)).toEqual({ cookies: {} })
      const put = await c.put('/api/cookies/__proto__', { json: { value: 'z' } })
      expectStatus(put, 204)
      expect(put.cookie('__proto__')?.value).toBe('z')
      expect(({} as Record<string, unknown>)['x'], 'Object.prototype untouched').toBeUndefined()
    },
  },
  {
    title: 'prototype names as session keys are plain keys and pollute nothing',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      expectError(
        await c.patch('/api/session', { body: '{"__proto__": {"polluted": "yes"}}' }),
        400,
        'RESERVED_KEY',
      )
      const body =
        '{"constructor": {"prototype": {"polluted": "yes"}}, "toString": "x", "hasOwnProperty": 1}'
      const data = expectJson<{ data: Record<string, unknown> }>(
        await c.patch('/api/session', { body }),
        200,
      ).data
      expect(data).toEqual(JSON.parse(body))
      expect((await readSession(c)).data).toEqual(JSON.parse(body))
      expect(
        expectJson(await c.post('/api/session/pop', { json: { key: 'toString' } }), 200),
      ).toEqual({ value: 'x' })
      for (const key of ['valueOf', 'isPrototypeOf', 'toLocaleString']) {
        expect(expectJson(await c.post('/api/session/pop', { json: { key } }), 200), key).toEqual({
          value: null,
        })
      }
      expect(
        ({} as Record<string, unknown>)['polluted'],
        'Object.prototype untouched',
      ).toBeUndefined()
      expect((await readSession(await ctx.client())).data).toEqual({})
    },
  },
  {
    title:
      'a __proto__ key nested in a session value is 400 BAD_REQUEST and changes nothing (the library refuses it at set)',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { kept: 1 })
      const reply = await c.patch('/api/session', {
        body: '{"other": 2, "prefs": {"theme": "dark", "__proto__": {"admin": true}}}',
      })
      expectError(reply, 400, 'BAD_REQUEST')
      expect(reply.setCookie, `no Set-Cookie for a refused request: ${reply.summary}`).toEqual([])
      expect((await readSession(c)).data).toEqual({ kept: 1 })
    },
  },
  {
    title: 'malformed JSON is 400 BAD_REQUEST on every endpoint that takes a body',
    async run(ctx) {
      const c = await ctx.client()
      for (const [method, path] of JSON_ENDPOINTS) {
        for (const body of MALFORMED_BODIES) {
          const reply = await c.request(method, path, { body })
          expect(
            reply.status,
            `${method} ${path} with ${JSON.stringify(body)}: ${reply.summary}`,
          ).toBe(400)
          expectError(reply, 400, 'BAD_REQUEST')
        }
      }
    },
  },
  {
    title:
      'odd requests are never a 500: other content types, huge and deeply nested bodies, bad escapes in paths',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { kept: 1 })
      const probes: Array<[string, string, RequestOptions]> = []
      for (const [method, path] of JSON_ENDPOINTS) {
        probes.push([
          method,
          path,
          { body: '{"value":"x","key":"k","message":"m"}', contentType: 'text/plain' },
        ])
        probes.push([
          method,
          path,
          { body: 'value=x&key=k', contentType: 'application/x-www-form-urlencoded' },
        ])
        probes.push([
          method,
          path,
          { body: '{"a":1}', contentType: 'application/json; charset=utf-16' },
        ])
      }
      probes.push([
        'PATCH',
        '/api/session',
        { body: JSON.stringify({ huge: 'x'.repeat(1_000_000) }) },
      ])
      for (const depth of [2_000, 20_000]) {
        probes.push([
          'PATCH',
          '/api/session',
          { body: `{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}` },
        ])
      }
      probes.push(['PATCH', '/api/session', { body: '{"lone":"\\ud800"}' }])
      probes.push(['PUT', '/api/session', { json: {} }])
      probes.push(['GET', `/api/cookies/${'n'.repeat(5000)}`, {}])
      for (const [method, path, options] of probes) {
        const reply = await c.request(method, path, options)
        expect(reply.status, `${method} ${path.slice(0, 60)}: ${reply.summary}`).toBeLessThan(500)
        if (reply.status >= 400) expectClientError(reply)
      }
      for (const path of ['/api/cookies/%E0%A4%A', '/api/cookies/%ZZ', '/api/cookies/a%00b']) {
        const reply = await c.get(path)
        expect(reply.status, reply.summary).toBeLessThan(500)
        if (reply.status >= 400) expectClientError(reply)
      }
      expect((await readSession(c)).isNew).toBe(false)
    },
  },
])
