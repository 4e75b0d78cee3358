import { expect } from 'vitest'
import {
  apiLogin,
  expectError,
  expectJson,
  expectSessionDeleted,
  expectSessionSet,
  expectStatus,
  patchSession,
  readSession,
  whoAmI,
} from '../expect.ts'
import { defineScenarios } from '../scenario.ts'

export const authScenarios = defineScenarios('auth', [
  {
    title: 'GET /api/me without a login is 401 UNAUTHORIZED',
    async run(ctx) {
      const c = await ctx.client()
      expectError(await c.get('/api/me'), 401, 'UNAUTHORIZED')
    },
  },
  {
    title: 'POST /api/login alice/wonderland is 200 {"user": "alice"} and GET /api/me answers it',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await apiLogin(c, 'alice')
      expectSessionSet(reply)
      const me = await c.get('/api/me')
      expect(expectJson(me, 200)).toEqual({ user: 'alice' })
    },
  },
  {
    title: 'POST /api/login bob/builder is 200 {"user": "bob"}',
    async run(ctx) {
      const c = await ctx.client()
      await apiLogin(c, 'bob')
      expect(await whoAmI(c)).toBe('bob')
    },
  },
  {
    title:
      'POST /api/login with a wrong password or unknown user is 401 UNAUTHORIZED and changes nothing',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { kept: 1 })
      for (const body of [
        { username: 'alice', password: 'builder' },
        { username: 'Alice', password: 'wonderland' },
        { username: 'mallory', password: 'wonderland' },
      ]) {
        expectError(await c.post('/api/login', { json: body }), 401, 'UNAUTHORIZED')
      }
      expect(await whoAmI(c)).toBeNull()
      expect(await readSession(c)).toEqual({ data: { kept: 1 }, isNew: false })
    },
  },
  {
    title:
      'POST /api/login with missing or wrongly-typed fields or malformed JSON is 400 BAD_REQUEST',
    async run(ctx) {
      const c = await ctx.client()
      for (const body of [
        {},
        { username: 'alice' },
        { password: 'wonderland' },
        { username: 'alice', password: 1 },
        { username: ['alice'], password: 'wonderland' },
        { username: null, password: null },
        [],
        'alice',
      ]) {
        expectError(await c.post('/api/login', { json: body }), 400, 'BAD_REQUEST')
      }
      expectError(
        await c.post('/api/login', { body: '{"username": "alice", ' }),
        400,
        'BAD_REQUEST',
      )
      expect(await whoAmI(c)).toBeNull()
    },
  },
  {
    title: 'the login cannot be forged through the API: PATCH or pop of _user is 400 RESERVED_KEY',
    async run(ctx) {
      const c = await ctx.client()
      expectError(await c.patch('/api/session', { json: { _user: 'alice' } }), 400, 'RESERVED_KEY')
      expect(await whoAmI(c)).toBeNull()
      await apiLogin(c, 'bob')
      expectError(await c.patch('/api/session', { json: { _user: 'alice' } }), 400, 'RESERVED_KEY')
      expectError(await c.post('/api/session/pop', { json: { key: '_user' } }), 400, 'RESERVED_KEY')
      expect(await whoAmI(c)).toBe('bob')
    },
  },
  {
    title: 'a second login replaces the user',
    async run(ctx) {
      const c = await ctx.client()
      await apiLogin(c, 'alice')
      await apiLogin(c, 'bob')
      expect(await whoAmI(c)).toBe('bob')
    },
  },
  {
    title: 'POST /api/logout is 204, destroys the whole session, and GET /api/me is 401',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await apiLogin(c)
      await patchSession(c, { cart: [1] })
      const held = await c.cookieNames()
      const reply = await c.post('/api/logout')
      expectStatus(reply, 204)
      expectSessionDeleted(reply, held)
      expect(await whoAmI(c)).toBeNull()
      expect(await readSession(c)).toEqual({ data: {}, isNew: true })
    },
  },
  {
    title: 'POST /api/logout without a login is 204',
    async run(ctx) {
      const c = await ctx.client()
      expectStatus(await c.post('/api/logout'), 204)
      expect(await whoAmI(c)).toBeNull()
    },
  },
  {
    title: 'a login belongs to its client: another client is not logged in',
    async run(ctx) {
      const c = await ctx.client()
      await apiLogin(c)
      expect(await whoAmI(await ctx.client())).toBeNull()
      expect(await whoAmI(await c.fork()), 'a copy of the cookies is the same login').toBe('alice')
    },
  },
])
