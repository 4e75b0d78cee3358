import { hasRedisServer, startRedisServer } from '@cookietin/testkit'
import { expect } from 'vitest'
import { Client } from '../client.ts'
import { incompressible, sleep } from '../constants.ts'
import {
  apiLogin,
  expectError,
  expectJson,
  expectStatus,
  patchSession,
  readSession,
  whoAmI,
} from '../expect.ts'
import { defineScenarios } from '../scenario.ts'

const STORE_MODES = ['memory', 'redis'] as const

/** The contract's "Store mode" details, and `POST /api/logout-everywhere`. */
export const storeScenarios = defineScenarios('store', [
  {
    title: 'with SESSION_STORE the session cookie holds only the id: small, never chunked',
    formats: 'each',
    modes: STORE_MODES,
    async run(ctx) {
      const c = await ctx.client()
      const value = incompressible(40_000)
      const reply = await c.patch('/api/session', { json: { big: value } })
      expectStatus(reply, 200)
      expect(reply.setNames).toEqual(['session'])
      expect(reply.setCookie[0]?.length).toBeLessThan(300)
      expect((await readSession(c)).data).toEqual({ big: value })
    },
  },
  {
    title:
      'with SESSION_STORE the limit is 1 MiB of JSON: past it 413 SESSION_TOO_LARGE, data kept',
    modes: STORE_MODES,
    async run(ctx) {
      const c = await ctx.client()
      const piece = incompressible(300_000)
      for (const key of ['a', 'b', 'c'])
        expectStatus(await c.patch('/api/session', { json: { [key]: piece } }), 200)
      const refused = await c.patch('/api/session', { json: { d: piece } })
      expectError(refused, 413, 'SESSION_TOO_LARGE')
      expect(refused.setCookie).toEqual([])
      expect(Object.keys((await readSession(c)).data).sort()).toEqual(['a', 'b', 'c'])
    },
  },
  {
    title: 'with SESSION_STORE, 50 concurrent PATCHes each setting its own key all persist',
    modes: STORE_MODES,
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { start: 0 })
      const cookie = await c.cookieHeader()
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          c.patch('/api/session', { json: { [`k${i}`]: i }, cookie, store: false }),
        ),
      )
      for (const reply of replies) expectStatus(reply, 200)
      const { data } = await readSession(c)
      expect(Object.keys(data)).toHaveLength(51)
      for (let i = 0; i < 50; i++) expect(data[`k${i}`]).toBe(i)
    },
  },
  {
    title: 'POST /api/logout-everywhere revokes every session of the user, this one included',
    modes: STORE_MODES,
    async run(ctx) {
      const laptop = await ctx.client()
      const phone = await ctx.client()
      const other = await ctx.client()
      await apiLogin(laptop, 'alice')
      await apiLogin(phone, 'alice')
      await apiLogin(other, 'bob')
      expectStatus(await laptop.post('/api/logout-everywhere'), 204)
      expectError(await laptop.get('/api/me'), 401, 'UNAUTHORIZED')
      expectError(await phone.get('/api/me'), 401, 'UNAUTHORIZED')
      expect(await whoAmI(other)).toBe('bob')
      // Logging in again works at once.
      await apiLogin(phone, 'alice')
      expect(await whoAmI(phone)).toBe('alice')
    },
  },
  {
    title: 'POST /api/logout-everywhere without a login is 401 UNAUTHORIZED',
    async run(ctx) {
      const c = await ctx.client()
      expectError(await c.post('/api/logout-everywhere'), 401, 'UNAUTHORIZED')
    },
  },
  {
    title: 'POST /api/logout-everywhere without SESSION_STORE is 501 STORE_REQUIRED',
    modes: ['cookie'],
    async run(ctx) {
      const c = await ctx.client()
      await apiLogin(c, 'alice')
      expectError(await c.post('/api/logout-everywhere'), 501, 'STORE_REQUIRED')
      expect(await whoAmI(c)).toBe('alice')
    },
  },
  {
    title: 'SESSION_STORE with SESSION_FORMAT=flask, or a bad SESSION_STORE, refuses to start',
    modes: ['cookie'],
    async run(ctx) {
      for (const env of [
        { SESSION_FORMAT: 'flask', SESSION_STORE: 'memory' },
        { SESSION_STORE: 'postgres://nope' },
      ]) {
        await expect(ctx.start(ctx.env(env))).rejects.toThrow(/SESSION_STORE/)
      }
    },
  },
  {
    title:
      'a Redis that is down answers 503 STORE_UNAVAILABLE within 10 s, deletes no cookie, and recovers',
    modes: ['redis'],
    timeout: 90_000,
    async run(ctx) {
      if (!hasRedisServer()) throw new Error('redis-server is not installed')
      const redis = await startRedisServer({ appendOnly: true })
      try {
        const server = await ctx.start(ctx.env({ SESSION_STORE: redis.url }))
        const c = new Client(server.url)
        await patchSession(c, { kept: 1 })
        const before = await c.cookieHeader()
        await redis.stop()
        for (const request of [
          () => c.get('/api/session'),
          () => c.patch('/api/session', { json: { more: 1 } }),
        ]) {
          const started = Date.now()
          const reply = await request()
          expect(Date.now() - started).toBeLessThan(10_000)
          expectError(reply, 503, 'STORE_UNAVAILABLE')
          expect(reply.setCookie).toEqual([])
        }
        expect(await c.cookieHeader()).toBe(before)
        await redis.restart()
        let data: unknown
        for (let i = 0; i < 50 && data === undefined; i++) {
          const reply = await c.get('/api/session')
          if (reply.status === 200) data = expectJson<{ data: unknown }>(reply, 200).data
          else await sleep(100)
        }
        expect(data).toEqual({ kept: 1 })
      } finally {
        await redis.close()
      }
    },
  },
])
