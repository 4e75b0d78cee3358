import { expect } from 'vitest'
import { Client } from '../client.ts'
import { DEFAULT_MAX_AGE, SECRET_A, SECRET_B, SECRET_C, incompressible } from '../constants.ts'
import {
  apiLogin,
  expectJson,
  expectNoSetCookie,
  expectSessionSet,
  expectStatus,
  patchSession,
  postFlash,
  readFlashes,
  readSession,
  sessionSetsOf,
  whoAmI,
} from '../expect.ts'
import { defineScenarios, type ScenarioContext } from '../scenario.ts'

/** Starts (restarts) the app with these secrets, newest first, in the scenario's format. */
function startWith(ctx: ScenarioContext, ...secrets: string[]) {
  return ctx.start(ctx.env({ SESSION_SECRETS: secrets.join(',') }))
}

/**
 * The file's shared server with these secrets. Sessions live in cookies, so a request to another
 * server with the same secrets is what a restart looks like to a client; only the headline scenario
 * restarts for real.
 */
function serverWith(ctx: ScenarioContext, ...secrets: string[]) {
  return ctx.server({ SESSION_SECRETS: secrets.join(',') })
}

export const rotationScenarios = defineScenarios('rotation', [
  {
    title:
      'a new secret in front: old sessions still read and are re-issued with the new key, same attributes',
    formats: 'each',
    async run(ctx) {
      const first = await startWith(ctx, SECRET_A)
      const c = new Client(first.url)
      await apiLogin(c)
      await patchSession(c, { cart: [1, 2], note: 'é' })
      await postFlash(c, 'survives rotation')
      const oldValues = await c.cookieValues()
      await first.close()

      const rotated = c.withServer(await startWith(ctx, SECRET_B, SECRET_A))
      const reply = await rotated.get('/api/session')
      expect(expectJson(reply, 200)).toEqual({ data: { cart: [1, 2], note: 'é' }, isNew: false })
      const reissued = expectSessionSet(reply, { maxAge: DEFAULT_MAX_AGE, secure: false })
      for (const cookie of reissued)
        expect(cookie.value, `${cookie.key} re-issued`).not.toBe(oldValues[cookie.key])
      expectNoSetCookie(await rotated.get('/api/session'))
      expect(await whoAmI(rotated)).toBe('alice')

      const onlyNew = c.withServer(await startWith(ctx, SECRET_B))
      expect(
        await readSession(onlyNew),
        'the re-issued session reads with the new key alone',
      ).toEqual({
        data: { cart: [1, 2], note: 'é' },
        isNew: false,
      })
      expect(await whoAmI(onlyNew)).toBe('alice')
      expect(await readFlashes(onlyNew)).toEqual([
        { category: 'message', message: 'survives rotation' },
      ])
    },
  },
  {
    title:
      'any request that reads a session made with an older secret re-issues it (GET /api/me, GET /)',
    formats: 'each',
    async run(ctx) {
      const first = await serverWith(ctx, SECRET_A)
      const c = new Client(first.url)
      await apiLogin(c)
      const rotated = await serverWith(ctx, SECRET_B, SECRET_A)
      for (const path of ['/api/me', '/']) {
        const reader = (await c.fork()).withServer(rotated)
        const reply = await reader.get(path)
        expect(reply.status, reply.summary).toBe(200)
        expectSessionSet(reply)
      }
    },
  },
  {
    title: 'restarting with the same secrets keeps sessions and sends no Set-Cookie',
    formats: 'each',
    async run(ctx) {
      const first = await serverWith(ctx, SECRET_A)
      const c = new Client(first.url)
      await apiLogin(c, 'bob')
      await patchSession(c, { a: 1 })
      const again = c.withServer(await startWith(ctx, SECRET_A))
      const reply = await again.get('/api/session')
      expect(expectJson(reply, 200)).toEqual({ data: { a: 1 }, isNew: false })
      expectNoSetCookie(reply)
      expect(await whoAmI(again)).toBe('bob')
    },
  },
  {
    title: 'restarting without the old secret: its sessions are gone (new and empty, no error)',
    formats: 'each',
    async run(ctx) {
      const first = await serverWith(ctx, SECRET_A)
      const c = new Client(first.url)
      await apiLogin(c)
      await patchSession(c, { a: 1 })
      const later = c.withServer(await serverWith(ctx, SECRET_C, SECRET_B))
      const reply = await later.get('/api/session')
      expect(expectJson(reply, 200)).toEqual({ data: {}, isNew: true })
      expectNoSetCookie(reply)
      expect(await whoAmI(later)).toBeNull()
      expect(await patchSession(later, { b: 2 }), 'a new session replaces it').toEqual({ b: 2 })
    },
  },
  {
    title: 'a chunked session is re-issued in chunks with the new key',
    formats: ['sealed', 'signed'],
    modes: ['cookie'],
    async run(ctx) {
      const first = await serverWith(ctx, SECRET_A)
      const c = new Client(first.url)
      const blob = incompressible(6000)
      await patchSession(c, { blob })
      const oldValues = await c.cookieValues()
      expect(Object.keys(oldValues).length, 'chunked').toBeGreaterThan(1)
      const rotated = c.withServer(await serverWith(ctx, SECRET_B, SECRET_A))
      const reply = await rotated.get('/api/session')
      expect(expectJson(reply, 200)).toEqual({ data: { blob }, isNew: false })
      const set = sessionSetsOf(reply)
      expect(set.map((cookie) => cookie.key).sort(), reply.summary).toEqual(
        Object.keys(oldValues).sort(),
      )
      const joined = (values: Array<string | undefined>) => values.join('')
      expect(joined(set.map((cookie) => cookie.value)), 're-issued').not.toBe(
        joined(set.map((cookie) => oldValues[cookie.key])),
      )
      const onlyNew = c.withServer(await serverWith(ctx, SECRET_B))
      expect(await readSession(onlyNew)).toEqual({ data: { blob }, isNew: false })
    },
  },
  {
    title: 'signed plain cookies verify with an older secret and not once it is dropped',
    async run(ctx) {
      const first = await serverWith(ctx, SECRET_A)
      const c = new Client(first.url)
      expectStatus(await c.put('/api/cookies/pref', { json: { value: 'dark', signed: true } }), 204)
      const rotated = c.withServer(await serverWith(ctx, SECRET_B, SECRET_A))
      expect(expectJson(await rotated.get('/api/cookies/pref?signed=1'), 200)).toEqual({
        value: 'dark',
        valid: true,
      })
      const onlyNew = c.withServer(await serverWith(ctx, SECRET_B))
      expect(expectJson(await onlyNew.get('/api/cookies/pref?signed=1'), 200)).toEqual({
        value: null,
        valid: false,
      })
    },
  },
])
