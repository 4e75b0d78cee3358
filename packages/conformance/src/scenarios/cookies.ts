import { expect } from 'vitest'
import { isDeletion } from '../client.ts'
import { MAX_AGE_CAP } from '../constants.ts'
import { expectError, expectJson, expectNoSetCookie, expectStatus } from '../expect.ts'
import { defineScenarios } from '../scenario.ts'
import { tamper } from './tamper.ts'

const path = (name: string, query = '') => `/api/cookies/${encodeURIComponent(name)}${query}`

/** Strings a client may PUT that need encoding: GET must give back exactly each one. */
const ROUND_TRIP_VALUES = [
  'plain',
  '',
  'hello world',
  'a;b,c',
  '"quoted"',
  'back\\slash',
  '100%',
  '%41',
  'a%zz',
  '%20 literal',
  '=eq=uals=',
  'tab\there',
  'é ü € 日本',
  'emoji 😀',
  '<b>&amp;</b>',
]

export const cookieScenarios = defineScenarios('cookies', [
  {
    title: 'GET /api/cookies with no Cookie header is {"cookies": {}}',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.get('/api/cookies')
      expect(expectJson(reply, 200)).toEqual({ cookies: {} })
      expectNoSetCookie(reply)
    },
  },
  {
    title: 'GET /api/cookies answers the request cookies, percent-decoded',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.get('/api/cookies', {
        cookie: 'a=1; b=hello%20world; c=%E2%82%AC; d=x%3By',
      })
      expect(expectJson(reply, 200)).toEqual({
        cookies: { a: '1', b: 'hello world', c: '€', d: 'x;y' },
      })
    },
  },
  {
    title: 'GET /api/cookies keeps a value whose escapes do not all decode raw (a%zz)',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.get('/api/cookies', { cookie: 'x=a%zz; y=100%; z=%E2%82; w=%41%zz' })
      expect(expectJson(reply, 200)).toEqual({
        cookies: { x: 'a%zz', y: '100%', z: '%E2%82', w: '%41%zz' },
      })
    },
  },
  {
    title: 'GET /api/cookies skips a pair with no = or an empty name',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.get('/api/cookies', { cookie: 'novalue; =empty; ok=1; ; also=2' })
      expect(expectJson(reply, 200)).toEqual({ cookies: { ok: '1', also: '2' } })
    },
  },
  {
    title: 'GET /api/cookies: the first of duplicate names wins',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.get('/api/cookies', { cookie: 'dup=first; other=x; dup=second' })
      expect(expectJson(reply, 200)).toEqual({ cookies: { dup: 'first', other: 'x' } })
    },
  },
  {
    title:
      'PUT /api/cookies/:name is 204 with one Set-Cookie: Path=/, no HttpOnly, no SameSite, no Max-Age',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.put(path('flavour'), { json: { value: 'chocolate' } })
      expectStatus(reply, 204)
      expect(reply.setCookie, reply.summary).toHaveLength(1)
      const cookie = reply.cookie('flavour')
      expect(cookie?.value).toBe('chocolate')
      expect(cookie?.path).toBe('/')
      expect(cookie?.httpOnly).toBe(false)
      expect(cookie?.sameSite).toBeUndefined()
      expect(cookie?.maxAge).toBeNull()
      expect(cookie?.secure).toBe(false)
      expect(expectJson(await c.get(path('flavour')), 200)).toEqual({
        value: 'chocolate',
        valid: true,
      })
      expect(expectJson(await c.get('/api/cookies'), 200)).toEqual({
        cookies: { flavour: 'chocolate' },
      })
    },
  },
  {
    title:
      'GET /api/cookies/:name returns exactly the string PUT set (percent-encoding on the wire)',
    async run(ctx) {
      const c = await ctx.client()
      for (const [index, value] of ROUND_TRIP_VALUES.entries()) {
        const name = `v${index}`
        const reply = await c.put(path(name), { json: { value } })
        expectStatus(reply, 204)
        // parseSetCookie already checked the wire value is cookie-octets; '%' itself must be
        // encoded.
        if (value.includes('%'))
          expect(reply.cookie(name)?.value, `${JSON.stringify(value)} on the wire`).not.toBe(value)
        expect(
          expectJson(await c.get(path(name)), 200),
          `round trip of ${JSON.stringify(value)}`,
        ).toEqual({ value, valid: true })
      }
      const all = expectJson<{ cookies: Record<string, string> }>(
        await c.get('/api/cookies'),
        200,
      ).cookies
      expect(all).toEqual(
        Object.fromEntries(ROUND_TRIP_VALUES.map((value, index) => [`v${index}`, value])),
      )
    },
  },
  {
    title: 'PUT /api/cookies/:name maxAge is Max-Age in seconds, capped at 400 days',
    async run(ctx) {
      const c = await ctx.client()
      const short = await c.put(path('short'), { json: { value: 'x', maxAge: 3600 } })
      expectStatus(short, 204)
      expect(short.cookie('short')?.maxAge, short.summary).toBe(3600)
      const capped = await c.put(path('long'), { json: { value: 'x', maxAge: 10 ** 9 } })
      expectStatus(capped, 204)
      expect(capped.cookie('long')?.maxAge, capped.summary).toBe(MAX_AGE_CAP)
    },
  },
  {
    title: 'PUT /api/cookies/:name httpOnly: true sets HttpOnly',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.put(path('hidden'), { json: { value: 'x', httpOnly: true } })
      expectStatus(reply, 204)
      expect(reply.cookie('hidden')?.httpOnly, reply.summary).toBe(true)
      const visible = await c.put(path('visible'), { json: { value: 'x', httpOnly: false } })
      expectStatus(visible, 204)
      expect(visible.cookie('visible')?.httpOnly, visible.summary).toBe(false)
    },
  },
  {
    title:
      'PUT /api/cookies/:name sameSite takes Strict, Lax, None in any case; None forces Secure',
    async run(ctx) {
      const c = await ctx.client()
      for (const [given, expected] of [
        ['Strict', 'strict'],
        ['lax', 'lax'],
        ['STRICT', 'strict'],
        ['nOnE', 'none'],
      ] as const) {
        const reply = await c.put(path('ss'), { json: { value: 'x', sameSite: given } })
        expectStatus(reply, 204)
        expect(reply.cookie('ss')?.sameSite, `${given}: ${reply.summary}`).toBe(expected)
        expect(reply.cookie('ss')?.secure, `Secure with ${given}: ${reply.summary}`).toBe(
          expected === 'none',
        )
      }
    },
  },
  {
    title: 'PUT /api/cookies/:name path sets Path',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.put(path('scoped'), { json: { value: 'x', path: '/api/cookies' } })
      expectStatus(reply, 204)
      expect(reply.cookie('scoped')?.path, reply.summary).toBe('/api/cookies')
      expect(expectJson(await c.get(path('scoped')), 200)).toEqual({ value: 'x', valid: true })
      expect(await c.cookieNames('/'), 'not sent outside its path').not.toContain('scoped')
    },
  },
  {
    title: 'PUT /api/cookies/:name with an invalid name is 400 INVALID_COOKIE',
    async run(ctx) {
      const c = await ctx.client()
      for (const name of ['bad name', 'a;b', 'a,b', '(x)', 'a=b', 'é', 'a"b', 'a\\b', '{}']) {
        expectError(await c.put(path(name), { json: { value: 'x' } }), 400, 'INVALID_COOKIE')
      }
      expect(await c.cookieNames()).toEqual([])
    },
  },
  {
    title: 'PUT /api/cookies/:name with a value that cannot be encoded is 400 INVALID_COOKIE',
    async run(ctx) {
      const c = await ctx.client()
      // A lone surrogate has no UTF-8 form, so it cannot be percent-encoded.
      expectError(
        await c.put(path('lone'), { body: '{"value":"a\\ud800b"}' }),
        400,
        'INVALID_COOKIE',
      )
    },
  },
  {
    title: 'PUT /api/cookies/:name with an invalid path or sameSite value is 400 INVALID_COOKIE',
    async run(ctx) {
      const c = await ctx.client()
      for (const options of [
        { path: '/a;b' },
        { path: '/a\u0001b' },
        { sameSite: 'sometimes' },
        { sameSite: '' },
      ]) {
        const reply = await c.put(path('x'), { json: { value: 'x', ...options } })
        expectError(reply, 400, 'INVALID_COOKIE')
      }
    },
  },
  {
    title:
      'PUT /api/cookies/:name with a missing value or a wrongly-typed option is 400 BAD_REQUEST',
    async run(ctx) {
      const c = await ctx.client()
      for (const body of [
        {},
        { value: 1 },
        { value: null },
        { value: ['x'] },
        { value: 'x', maxAge: '60' },
        { value: 'x', httpOnly: 'yes' },
        { value: 'x', signed: 'true' },
        { value: 'x', sameSite: 1 },
        { value: 'x', path: 5 },
        [],
        'x',
        null,
      ]) {
        expectError(await c.put(path('x'), { json: body }), 400, 'BAD_REQUEST')
      }
    },
  },
  {
    title: 'PUT /api/cookies/:name with malformed JSON is 400 BAD_REQUEST',
    async run(ctx) {
      const c = await ctx.client()
      expectError(await c.put(path('x'), { body: '{"value":' }), 400, 'BAD_REQUEST')
    },
  },
  {
    title:
      'PUT /api/cookies/:name over 4096 bytes of name and value is 400 COOKIE_TOO_LARGE; 4096 fits',
    async run(ctx) {
      const c = await ctx.client()
      expectStatus(await c.put(path('big'), { json: { value: 'x'.repeat(4096 - 3) } }), 204)
      expectError(
        await c.put(path('big'), { json: { value: 'y'.repeat(4096 - 2) } }),
        400,
        'COOKIE_TOO_LARGE',
      )
      expect((await c.cookieValues())['big'], 'a refused PUT keeps the previous cookie').toBe(
        'x'.repeat(4093),
      )
    },
  },
  {
    title:
      'PUT /api/cookies/:name signed: true sets one cookie in the signed format, verified by ?signed=1',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.put(path('pref'), { json: { value: 'dark mode', signed: true } })
      expectStatus(reply, 204)
      expect(reply.setCookie, `one cookie, no .sig companion: ${reply.summary}`).toHaveLength(1)
      const wire = reply.cookie('pref')?.value
      expect(wire, 'the value is signed, not sent as is').not.toBe('dark mode')
      expect(wire).not.toBe('dark%20mode')
      expect(expectJson(await c.get(path('pref', '?signed=1')), 200)).toEqual({
        value: 'dark mode',
        valid: true,
      })
      expect(
        expectJson(await c.get(path('pref')), 200),
        'unsigned read answers the raw token',
      ).toEqual({ value: wire, valid: true })
    },
  },
  {
    title:
      'GET /api/cookies/:name?signed=1 of a tampered, unsigned or moved cookie is {"value": null, "valid": false}',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      expectStatus(await c.put(path('pref'), { json: { value: 'dark', signed: true } }), 204)
      const token = (await c.cookieValues())['pref'] ?? ''
      const invalid = { value: null, valid: false }
      expect(
        expectJson(
          await c.get(path('pref', '?signed=1'), { cookie: `pref=${tamper(token)}` }),
          200,
        ),
        'tampered',
      ).toEqual(invalid)
      expect(
        expectJson(
          await c.get(path('pref', '?signed=1'), { cookie: `pref=${token.slice(0, -4)}` }),
          200,
        ),
        'truncated',
      ).toEqual(invalid)
      expect(
        expectJson(await c.get(path('pref', '?signed=1'), { cookie: 'pref=dark' }), 200),
        'unsigned',
      ).toEqual(invalid)
      expect(
        expectJson(await c.get(path('other', '?signed=1'), { cookie: `other=${token}` }), 200),
        'moved',
      ).toEqual(invalid)
    },
  },
  {
    title:
      'GET /api/cookies/:name of an absent cookie is {"value": null, "valid": false}; a present one is valid',
    async run(ctx) {
      const c = await ctx.client()
      expect(expectJson(await c.get(path('absent')), 200)).toEqual({ value: null, valid: false })
      expect(expectJson(await c.get(path('absent', '?signed=1')), 200)).toEqual({
        value: null,
        valid: false,
      })
      expect(expectJson(await c.get(path('empty'), { cookie: 'empty=' }), 200)).toEqual({
        value: '',
        valid: true,
      })
      expect(expectJson(await c.get(path('there'), { cookie: 'there=1' }), 200)).toEqual({
        value: '1',
        valid: true,
      })
    },
  },
  {
    title: 'DELETE /api/cookies/:name is 204 with a deleting Set-Cookie (Path=/)',
    async run(ctx) {
      const c = await ctx.client()
      expectStatus(await c.put(path('gone'), { json: { value: 'x' } }), 204)
      const reply = await c.delete(path('gone'))
      expectStatus(reply, 204)
      const cookie = reply.cookie('gone')
      expect(cookie && isDeletion(cookie), reply.summary).toBe(true)
      expect(cookie?.path).toBe('/')
      expect(await c.cookieNames()).toEqual([])
      expect(expectJson(await c.get(path('gone')), 200)).toEqual({ value: null, valid: false })
    },
  },
  {
    title: 'DELETE /api/cookies/:name takes path and domain query parameters',
    async run(ctx) {
      const c = await ctx.client()
      expectStatus(await c.put(path('scoped'), { json: { value: 'x', path: '/api' } }), 204)
      const reply = await c.delete(path('scoped', '?path=/api'))
      expectStatus(reply, 204)
      expect(reply.cookie('scoped')?.path, reply.summary).toBe('/api')
      expect(await c.cookieNames('/api/cookies')).toEqual([])
      // A Domain other than the request's host is refused by a browser, so this one is only
      // inspected.
      const withDomain = await c.delete(path('wide', '?domain=example.com'), { store: false })
      expectStatus(withDomain, 204)
      const cookie = withDomain.cookie('wide')
      expect(cookie?.domain, withDomain.summary).toBe('example.com')
      expect(cookie?.path).toBe('/')
      expect(cookie && isDeletion(cookie)).toBe(true)
    },
  },
  {
    title: 'DELETE /api/cookies/:name with an invalid name, path or domain is 400 INVALID_COOKIE',
    async run(ctx) {
      const c = await ctx.client()
      expectError(await c.delete(path('bad name')), 400, 'INVALID_COOKIE')
      expectError(
        await c.delete(path('ok', `?path=${encodeURIComponent('/a;b')}`)),
        400,
        'INVALID_COOKIE',
      )
      expectError(
        await c.delete(path('ok', `?domain=${encodeURIComponent('bad domain;x')}`)),
        400,
        'INVALID_COOKIE',
      )
    },
  },
  {
    title: 'an unknown API route is 404 NOT_FOUND',
    async run(ctx) {
      const c = await ctx.client()
      expectError(await c.get('/api/does-not-exist'), 404, 'NOT_FOUND')
    },
  },
])
