import { expect } from 'vitest'
import type { Client } from '../client.ts'
import { MAX_COOKIE_BYTES, MAX_SESSION_BYTES, incompressible } from '../constants.ts'
import {
  expectError,
  expectJson,
  expectNoSetCookie,
  expectSessionSet,
  patchSession,
  readSession,
} from '../expect.ts'
import { defineScenarios } from '../scenario.ts'
import { tamper } from './tamper.ts'

const CHUNKED = ['sealed', 'signed'] as const

/** Bytes of names and values of the session cookies the client holds. */
async function sessionBytes(c: Client): Promise<number> {
  const values = await c.cookieValues()
  return Object.entries(values)
    .filter(([name]) => name === 'session' || /^session\.\d+$/.test(name))
    .reduce((total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value), 0)
}

const chunkNames = (count: number) =>
  Array.from({ length: count }, (_, index) => `session.${index}`)

export const chunkingScenarios = defineScenarios(
  'chunking',
  [
    {
      title:
        'a session too large for one cookie is chunked into session.0, session.1, ... and session is deleted',
      formats: CHUNKED,
      async run(ctx) {
        const c = await ctx.client()
        await patchSession(c, { small: 1 })
        expect(await c.cookieNames()).toEqual(['session'])
        const big = incompressible(5000)
        const reply = await c.patch('/api/session', { json: { big } })
        expect(expectJson(reply, 200)).toEqual({ data: { small: 1, big } })
        const set = expectSessionSet(reply)
        expect(set.map((cookie) => cookie.key)).toEqual(chunkNames(set.length))
        expect(set.length).toBeGreaterThan(1)
        expect(reply.deletedNames, reply.summary).toContain('session')
        for (const line of reply.setCookie)
          expect(
            Buffer.byteLength(line),
            'each Set-Cookie line fits 4096 bytes',
          ).toBeLessThanOrEqual(MAX_COOKIE_BYTES)
        expect(await c.cookieNames()).toEqual(chunkNames(set.length))
        const read = await c.get('/api/session')
        expect(expectJson(read, 200)).toEqual({ data: { small: 1, big }, isNew: false })
        expectNoSetCookie(read)
      },
    },
    {
      title:
        'a chunked session shrunk back into one cookie is session again and the chunks are deleted',
      formats: CHUNKED,
      async run(ctx) {
        const c = await ctx.client()
        await patchSession(c, { small: 1, big: incompressible(5000) })
        const chunks = await c.cookieNames()
        expect(chunks.length).toBeGreaterThan(1)
        const reply = await c.patch('/api/session', { json: { big: null } })
        expect(expectJson(reply, 200)).toEqual({ data: { small: 1 } })
        expect(expectSessionSet(reply).map((cookie) => cookie.key)).toEqual(['session'])
        expect(reply.deletedNames.sort(), reply.summary).toEqual(chunks)
        expect(await c.cookieNames()).toEqual(['session'])
        expect(await readSession(c)).toEqual({ data: { small: 1 }, isNew: false })
      },
    },
    {
      title: 'a session that needs fewer chunks deletes the stale ones',
      formats: CHUNKED,
      async run(ctx) {
        const c = await ctx.client()
        await patchSession(c, { big: incompressible(8000) })
        const before = await c.cookieNames()
        expect(before.length).toBeGreaterThanOrEqual(3)
        const reply = await c.patch('/api/session', { json: { big: incompressible(4000) } })
        expectJson(reply, 200)
        const after = await c.cookieNames()
        expect(after).toEqual(chunkNames(after.length))
        expect(after.length).toBeLessThan(before.length)
        expect(reply.deletedNames.sort()).toEqual(before.filter((name) => !after.includes(name)))
        expect((await readSession(c)).data['big']).toHaveLength(4000)
      },
    },
    {
      title: '6 KB of incompressible data fits in a session',
      formats: CHUNKED,
      async run(ctx) {
        const c = await ctx.client()
        const blob = incompressible(6144)
        expect(await patchSession(c, { blob })).toEqual({ blob })
        expect(await readSession(c)).toEqual({ data: { blob }, isNew: false })
        expect(await sessionBytes(c)).toBeLessThanOrEqual(MAX_SESSION_BYTES)
      },
    },
    {
      title:
        "a session's cookies stay within 12 KB (12288 bytes of names and values); past that, 413",
      formats: CHUNKED,
      async run(ctx) {
        for (const size of [7000, 8000, 8500, 9000, 9500]) {
          const c = await ctx.client()
          const reply = await c.patch('/api/session', { json: { blob: incompressible(size) } })
          if (reply.status === 413) {
            expectError(reply, 413, 'SESSION_TOO_LARGE')
            expect(await c.cookieNames()).toEqual([])
          } else {
            expectJson(reply, 200)
            expect(await sessionBytes(c), `${size} characters of data`).toBeLessThanOrEqual(
              MAX_SESSION_BYTES,
            )
          }
        }
      },
    },
    {
      title:
        'PATCH /api/session past 12 KB is 413 SESSION_TOO_LARGE and the stored session keeps its previous value',
      formats: CHUNKED,
      async run(ctx) {
        const c = await ctx.client()
        await patchSession(c, { kept: 'small' })
        const held = await c.cookieValues()
        expectError(
          await c.patch('/api/session', { json: { blob: incompressible(10_000) } }),
          413,
          'SESSION_TOO_LARGE',
        )
        expect(await c.cookieValues()).toEqual(held)
        expect(await readSession(c)).toEqual({ data: { kept: 'small' }, isNew: false })

        // From a chunked session too.
        const blob = incompressible(6000)
        await patchSession(c, { blob })
        const chunked = await c.cookieValues()
        expectError(
          await c.patch('/api/session', { json: { more: incompressible(6000) } }),
          413,
          'SESSION_TOO_LARGE',
        )
        expect(await c.cookieValues()).toEqual(chunked)
        expect(await readSession(c)).toEqual({ data: { kept: 'small', blob }, isNew: false })
      },
    },
    {
      title: 'a chunked session with a missing or tampered chunk reads as a new empty session',
      formats: CHUNKED,
      async run(ctx) {
        const c = await ctx.client()
        await patchSession(c, { big: incompressible(8000) })
        const values = await c.cookieValues()
        const names = Object.keys(values).sort()
        expect(names.length).toBeGreaterThanOrEqual(3)
        const header = (skip: string, change?: (value: string) => string) =>
          names
            .filter((name) => name !== skip)
            .map(
              (name) =>
                `${name}=${change && name === 'session.1' ? change(values[name] ?? '') : values[name]}`,
            )
            .join('; ')
        for (const cookie of [
          header('session.1'),
          header(names.at(-1) ?? ''),
          header('session.0'),
          header('', tamper),
        ]) {
          const reply = await c.get('/api/session', { cookie })
          expect(expectJson(reply, 200), cookie.slice(0, 100)).toEqual({ data: {}, isNew: true })
          expectNoSetCookie(reply)
        }
      },
    },
    {
      title:
        'flask: the session is one cookie of at most 4096 bytes; larger is 413 SESSION_TOO_LARGE, keeping the previous value',
      formats: ['flask'],
      async run(ctx) {
        const c = await ctx.client()
        const blob = incompressible(2000)
        await patchSession(c, { blob })
        expect(await c.cookieNames()).toEqual(['session'])
        expectError(
          await c.patch('/api/session', { json: { more: incompressible(3000) } }),
          413,
          'SESSION_TOO_LARGE',
        )
        expect(await c.cookieNames()).toEqual(['session'])
        expect(await readSession(c)).toEqual({ data: { blob }, isNew: false })
      },
    },
  ],
  // A store session's cookie holds only its id: it never chunks (the store topic checks that).
  { modes: ['cookie'] },
)
