import { expect } from 'vitest'
import {
  apiLogin,
  expectError,
  expectJson,
  expectNoSetCookie,
  expectSessionDeleted,
  expectSessionSet,
  expectStatus,
  patchSession,
  postFlash,
  readSession,
  sessionSetsOf,
  whoAmI,
} from '../expect.ts'
import { defineScenarios } from '../scenario.ts'

/** JSON values of every type, with strings that need escaping in JSON, Python and cookies. */
const VALUES = {
  text: 'hello',
  quoted: 'a "quoted" \\ back\nslash\ttab',
  unicode: 'é ü € 日本 😀',
  markup: '<script>alert(1)</script>&amp;',
  zero: 0,
  negative: -42,
  float: 3.25,
  big: 9007199254740991,
  yes: true,
  no: false,
  list: [1, 'two', [3], { four: 4 }, null],
  empty: {},
  emptyList: [],
  nested: { a: { b: { c: ['deep'] } } },
  'key with spaces & ünïcode': 'ok',
}

export const sessionScenarios = defineScenarios('session', [
  {
    title: 'GET /api/session for a new client is {"data": {}, "isNew": true}',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.get('/api/session')
      expect(expectJson(reply, 200)).toEqual({ data: {}, isNew: true })
    },
  },
  {
    title:
      'PATCH /api/session sets keys and answers {"data"}; GET reads them back with isNew false',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.patch('/api/session', { json: { a: 1, b: 'two' } })
      expect(expectJson(reply, 200)).toEqual({ data: { a: 1, b: 'two' } })
      expectSessionSet(reply)
      expect(await readSession(c)).toEqual({ data: { a: 1, b: 'two' }, isNew: false })
    },
  },
  {
    title: 'PATCH /api/session merges at the top level and replaces existing keys',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { a: 1, nested: { x: 1 } })
      expect(await patchSession(c, { b: 2, nested: { y: 2 } })).toEqual({
        a: 1,
        b: 2,
        nested: { y: 2 },
      })
      expect((await readSession(c)).data).toEqual({ a: 1, b: 2, nested: { y: 2 } })
    },
  },
  {
    title: 'PATCH /api/session null removes a key',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { keep: 1, drop: 2, other: 3 })
      expect(await patchSession(c, { drop: null, absent: null })).toEqual({ keep: 1, other: 3 })
      expect((await readSession(c)).data).toEqual({ keep: 1, other: 3 })
    },
  },
  {
    title: 'PATCH /api/session null deletes only at the top level',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      const data = { obj: { x: null, y: 1 }, list: [null, 1] }
      expect(await patchSession(c, data)).toEqual(data)
      expect((await readSession(c)).data).toEqual(data)
    },
  },
  {
    title: 'session values keep their JSON types and exact strings',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      expect(await patchSession(c, VALUES)).toEqual(VALUES)
      expect((await readSession(c)).data).toEqual(VALUES)
    },
  },
  {
    title:
      'PATCH /api/session with a reserved key (starting with _) is 400 RESERVED_KEY and changes nothing',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { kept: 1 })
      for (const body of [
        { _user: 'alice' },
        { _permanent: false },
        { _flashes: [] },
        { _anything: 1 },
        { ok: 2, _user: 'bob' },
        { _user: null },
      ]) {
        expectError(await c.patch('/api/session', { json: body }), 400, 'RESERVED_KEY')
      }
      expect(await readSession(c)).toEqual({ data: { kept: 1 }, isNew: false })
      expect(await whoAmI(c)).toBeNull()
    },
  },
  {
    title: 'PATCH /api/session with a body that is not an object is 400 BAD_REQUEST',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { kept: 1 })
      for (const body of [[], [{ a: 1 }], 'x', 1, null, true]) {
        expectError(await c.patch('/api/session', { json: body }), 400, 'BAD_REQUEST')
      }
      expect((await readSession(c)).data).toEqual({ kept: 1 })
    },
  },
  {
    title: 'PATCH /api/session with malformed JSON is 400 BAD_REQUEST',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { kept: 1 })
      for (const body of ['{"a":', '{a: 1}', "{'a': 1}", '{"a": 1,}', '', 'undefined']) {
        expectError(await c.patch('/api/session', { body }), 400, 'BAD_REQUEST')
      }
      expect((await readSession(c)).data).toEqual({ kept: 1 })
    },
  },
  {
    title: 'POST /api/session/pop answers the value and removes the key',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { a: { deep: [1] }, b: 2 })
      const reply = await c.post('/api/session/pop', { json: { key: 'a' } })
      expect(expectJson(reply, 200)).toEqual({ value: { deep: [1] } })
      // With a store the cookie holds only the id, which a change leaves as it is.
      if (ctx.mode === 'cookie') expectSessionSet(reply)
      else expectNoSetCookie(reply)
      expect((await readSession(c)).data).toEqual({ b: 2 })
    },
  },
  {
    title: 'POST /api/session/pop of a missing key is {"value": null} and changes nothing',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { b: 2 })
      const reply = await c.post('/api/session/pop', { json: { key: 'missing' } })
      expect(expectJson(reply, 200)).toEqual({ value: null })
      expectNoSetCookie(reply)
      expect((await readSession(c)).data).toEqual({ b: 2 })
    },
  },
  {
    title: 'POST /api/session/pop of a reserved key is 400 RESERVED_KEY (the login stays)',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await apiLogin(c)
      for (const key of ['_user', '_permanent', '_flashes', '_x']) {
        expectError(await c.post('/api/session/pop', { json: { key } }), 400, 'RESERVED_KEY')
      }
      expect(await whoAmI(c)).toBe('alice')
    },
  },
  {
    title: 'POST /api/session/pop with a missing or non-string key is 400 BAD_REQUEST',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { 1: 'one' })
      for (const body of [{}, { key: 1 }, { key: null }, { key: ['1'] }, [], 'key']) {
        expectError(await c.post('/api/session/pop', { json: body }), 400, 'BAD_REQUEST')
      }
      expectError(await c.post('/api/session/pop', { body: '{"key"' }), 400, 'BAD_REQUEST')
      expect((await readSession(c)).data).toEqual({ 1: 'one' })
    },
  },
  {
    title: 'POST /api/session/regenerate is 204 with a Set-Cookie and the same data',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { cart: [1, 2] })
      const before = await c.cookieValues()
      const reply = await c.post('/api/session/regenerate')
      expectStatus(reply, 204)
      const set = expectSessionSet(reply)
      if (ctx.format !== 'flask') {
        for (const cookie of set)
          expect(cookie.value, `a new value for ${cookie.key}`).not.toBe(before[cookie.key])
      }
      expect(await readSession(c)).toEqual({ data: { cart: [1, 2] }, isNew: false })
    },
  },
  {
    title: 'POST /api/session/regenerate commits a new session: isNew is false afterwards',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.post('/api/session/regenerate')
      expectStatus(reply, 204)
      expectSessionSet(reply)
      expect(await readSession(c)).toEqual({ data: {}, isNew: false })
    },
  },
  {
    title: 'DELETE /api/session is 204 with deleting Set-Cookie(s); the next read is new and empty',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await apiLogin(c)
      await patchSession(c, { a: 1 })
      const held = await c.cookieNames()
      const reply = await c.delete('/api/session')
      expectStatus(reply, 204)
      expectSessionDeleted(reply, held)
      expect(await c.cookieNames()).toEqual([])
      expect(await readSession(c)).toEqual({ data: {}, isNew: true })
      expect(await whoAmI(c)).toBeNull()
    },
  },
  {
    title: 'isNew is false once the session has been committed by a login',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      expectSessionSet(await apiLogin(c))
      expect(await readSession(c)).toEqual({ data: {}, isNew: false })
    },
  },
  {
    title: 'data shows only client-written keys, not _user, _permanent or flashes',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await apiLogin(c)
      await postFlash(c, 'hidden from data')
      expect(await patchSession(c, { mine: 1 })).toEqual({ mine: 1 })
      expect(await readSession(c)).toEqual({ data: { mine: 1 }, isNew: false })
      const popped = expectJson(await c.post('/api/session/pop', { json: { key: 'mine' } }), 200)
      expect(popped).toEqual({ value: 1 })
      expect(await readSession(c)).toEqual({ data: {}, isNew: false })
    },
  },
  {
    title: 'a session belongs to its client: another client sees a new empty session',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { mine: 1 })
      const other = await ctx.client()
      expect(await readSession(other)).toEqual({ data: {}, isNew: true })
    },
  },
  {
    title: 'popping the last key empties the session without an error',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { only: 1 })
      const reply = await c.post('/api/session/pop', { json: { key: 'only' } })
      expect(expectJson(reply, 200)).toEqual({ value: 1 })
      expect(
        sessionSetsOf(reply).length + reply.deletedNames.length,
        `the change is sent: ${reply.summary}`,
      ).toBeGreaterThan(0)
      expect((await readSession(c)).data).toEqual({})
    },
  },
])
