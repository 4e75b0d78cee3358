import { expect } from 'vitest'
import {
  expectError,
  expectJson,
  expectNoSetCookie,
  expectStatus,
  patchSession,
  postFlash,
  readFlashes,
  readSession,
} from '../expect.ts'
import { defineScenarios } from '../scenario.ts'

export const flashScenarios = defineScenarios('flash', [
  {
    title:
      'POST /api/flash is 204; GET /api/flash answers it once with category "message" by default',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.post('/api/flash', { json: { message: 'Saved' } })
      expectStatus(reply, 204)
      const first = await c.get('/api/flash')
      expect(expectJson(first, 200)).toEqual({
        messages: [{ category: 'message', message: 'Saved' }],
      })
      expect(await readFlashes(c), 'then gone').toEqual([])
    },
  },
  {
    title: 'GET /api/flash answers messages in order with their categories',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await postFlash(c, 'first', 'info')
      await postFlash(c, 'second')
      await postFlash(c, 'third', 'error')
      await postFlash(c, 'first', 'info')
      expect(await readFlashes(c)).toEqual([
        { category: 'info', message: 'first' },
        { category: 'message', message: 'second' },
        { category: 'error', message: 'third' },
        { category: 'info', message: 'first' },
      ])
      expect(await readFlashes(c)).toEqual([])
    },
  },
  {
    title: 'GET /api/flash with nothing flashed is {"messages": []} and sets no cookie',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.get('/api/flash')
      expect(expectJson(reply, 200)).toEqual({ messages: [] })
      expectNoSetCookie(reply)
    },
  },
  {
    title: 'flash messages keep unicode, quotes and markup exactly',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      const message = '<b>"Bienvenue" à l\'écran</b> 😀 & ✓'
      await postFlash(c, message, 'wärning')
      expect(await readFlashes(c)).toEqual([{ category: 'wärning', message }])
    },
  },
  {
    title: 'POST /api/flash with a missing or wrongly-typed message or category is 400 BAD_REQUEST',
    async run(ctx) {
      const c = await ctx.client()
      for (const body of [
        {},
        { message: 1 },
        { message: null },
        { message: 'x', category: 2 },
        { message: 'x', category: ['a'] },
        [],
        'x',
      ]) {
        expectError(await c.post('/api/flash', { json: body }), 400, 'BAD_REQUEST')
      }
      expectError(await c.post('/api/flash', { body: '{"message":' }), 400, 'BAD_REQUEST')
      expect(await readFlashes(c), 'a refused flash is not stored').toEqual([])
    },
  },
  {
    title: 'flashes are not session data and wait through other requests until read',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await postFlash(c, 'kept for later', 'info')
      expect(await readSession(c)).toEqual({ data: {}, isNew: false })
      await patchSession(c, { a: 1 })
      expect(expectJson(await c.get('/api/me'), 401)).toBeTruthy()
      expect((await readSession(c)).data).toEqual({ a: 1 })
      expect(await readFlashes(c)).toEqual([{ category: 'info', message: 'kept for later' }])
      expect(await readFlashes(c)).toEqual([])
      expect((await readSession(c)).data).toEqual({ a: 1 })
    },
  },
])
