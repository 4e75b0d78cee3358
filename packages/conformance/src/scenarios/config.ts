import { expect } from 'vitest'
import { Client } from '../client.ts'
import { DEFAULT_MAX_AGE, SECRET_A, SECRET_B, SHORT_SECRET } from '../constants.ts'
import {
  apiLogin,
  expectJson,
  expectNoSetCookie,
  expectSessionSet,
  patchSession,
  readSession,
} from '../expect.ts'
import { captureOutput, fullMessage } from '../output.ts'
import { defineScenarios, type ScenarioContext } from '../scenario.ts'
import type { Env } from '../types.ts'

/** startServer must reject, with a message naming `variable`. */
async function expectRefusal(ctx: ScenarioContext, env: Env, variable: string): Promise<void> {
  const { result } = await captureOutput(() => ctx.start(env))
  const shown = JSON.stringify(env)
  expect(result.status, `start-up with ${shown} must be refused`).toBe('rejected')
  if (result.status === 'rejected') {
    expect(fullMessage(result.reason), `the refusal of ${shown} names ${variable}`).toContain(
      variable,
    )
  }
}

/** startServer must succeed; returns a client on it and what it printed while starting. */
async function expectStart(
  ctx: ScenarioContext,
  env: Env,
): Promise<{ client: Client; output: string }> {
  const { result, output } = await captureOutput(() => ctx.start(env))
  if (result.status === 'rejected') {
    throw new Error(
      `start-up with ${JSON.stringify(env)} must succeed, it threw: ${fullMessage(result.reason)}`,
    )
  }
  return { client: new Client(result.value.url), output }
}

/** A server that works: a session round trip (and a login when `login`). */
async function expectWorking(c: Client, login = false): Promise<void> {
  expect(await patchSession(c, { works: true })).toEqual({ works: true })
  if (login) await apiLogin(c)
  expect(await readSession(c)).toEqual({ data: { works: true }, isNew: false })
}

export const configScenarios = defineScenarios(
  'config',
  [
    {
      title:
        'a SESSION_SECRETS entry under 32 bytes, or of one repeated character, refuses start-up, naming SESSION_SECRETS; 32 varied bytes start',
      formats: ['sealed', 'signed'],
      async run(ctx) {
        for (const secrets of [
          SHORT_SECRET,
          'x'.repeat(31),
          `${SECRET_A},${SHORT_SECRET}`,
          `${'é'.repeat(15)}x`,
          'x'.repeat(32),
          'é'.repeat(16),
        ]) {
          await expectRefusal(ctx, ctx.env({ SESSION_SECRETS: secrets }), 'SESSION_SECRETS')
        }
        for (const secrets of ['abcdefghijklmnopqrstuvwxyz012345', 'éèêëàâäôöûüùçîïñ']) {
          await expectWorking(
            (await expectStart(ctx, ctx.env({ SESSION_SECRETS: secrets }))).client,
          )
        }
      },
    },
    {
      title: 'flask with a secret under 32 bytes starts with a warning',
      formats: ['flask'],
      async run(ctx) {
        const { client, output } = await expectStart(
          ctx,
          ctx.env({ SESSION_SECRETS: SHORT_SECRET }),
        )
        expect(output, 'a warning about the short secret').toMatch(/secret/i)
        await expectWorking(client, true)
      },
    },
    {
      title: 'an unknown SESSION_FORMAT refuses start-up, naming SESSION_FORMAT',
      async run(ctx) {
        for (const format of ['json', 'pickle', 'itsdangerous']) {
          await expectRefusal(ctx, ctx.env({ SESSION_FORMAT: format }), 'SESSION_FORMAT')
        }
      },
    },
    {
      title: 'a non-numeric SESSION_MAX_AGE refuses start-up, naming SESSION_MAX_AGE',
      async run(ctx) {
        for (const maxAge of ['abc', '12abc', '1e3x', 'NaN', '3600s']) {
          await expectRefusal(ctx, ctx.env({ SESSION_MAX_AGE: maxAge }), 'SESSION_MAX_AGE')
        }
      },
    },
    {
      title: 'a bad COOKIE_SECURE refuses start-up, naming COOKIE_SECURE',
      async run(ctx) {
        for (const secure of ['yes', '1', 'on', 'maybe']) {
          await expectRefusal(ctx, ctx.env({ COOKIE_SECURE: secure }), 'COOKIE_SECURE')
        }
      },
    },
    {
      title:
        'NODE_ENV=production without SESSION_SECRETS (unset, empty or only empty entries) refuses start-up',
      formats: 'each',
      async run(ctx) {
        for (const secrets of [undefined, '', ' , ,']) {
          await expectRefusal(
            ctx,
            ctx.env({ NODE_ENV: 'production', SESSION_SECRETS: secrets }),
            'SESSION_SECRETS',
          )
        }
      },
    },
    {
      title: 'NODE_ENV=production with SESSION_SECRETS starts',
      async run(ctx) {
        await expectWorking(
          (await expectStart(ctx, ctx.env({ NODE_ENV: 'production' }))).client,
          true,
        )
      },
    },
    {
      title:
        'development without SESSION_SECRETS (unset or empty) starts with a random secret and a warning naming SESSION_SECRETS',
      async run(ctx) {
        const clients: Client[] = []
        for (const env of [
          { SESSION_SECRETS: undefined },
          { SESSION_SECRETS: '' },
          { SESSION_SECRETS: undefined, NODE_ENV: 'development' },
        ]) {
          const { client, output } = await expectStart(ctx, ctx.env(env))
          expect(output, `a warning for ${JSON.stringify(env)}`).toContain('SESSION_SECRETS')
          await expectWorking(client, clients.length === 0)
          clients.push(client)
        }
        // The secret is random: another start does not read the first one's sessions.
        const [first, second] = clients as [Client, Client]
        expect(await readSession(first.withServer({ url: second.baseUrl }))).toEqual({
          data: {},
          isNew: true,
        })
      },
    },
    {
      title: 'SESSION_SECRETS entries are trimmed and empty entries ignored',
      async run(ctx) {
        const first = (await expectStart(ctx, ctx.env({ SESSION_SECRETS: SECRET_A }))).client
        await apiLogin(first)
        const spaced = first.withServer({
          url: (
            await expectStart(ctx, ctx.env({ SESSION_SECRETS: ` ${SECRET_A} ,, ${SECRET_B} , ` }))
          ).client.baseUrl,
        })
        const reply = await spaced.get('/api/me')
        expect(expectJson(reply, 200)).toEqual({ user: 'alice' })
        expectNoSetCookie(reply)
      },
    },
    {
      title:
        'defaults: SESSION_FORMAT sealed, SESSION_COOKIE session, SESSION_MAX_AGE 1209600, COOKIE_SECURE auto',
      async run(ctx) {
        const { client } = await expectStart(ctx, {
          SESSION_SECRETS: SECRET_A,
          SESSION_STORE: ctx.env()['SESSION_STORE'],
        })
        const reply = await client.patch('/api/session', { json: { a: 1 } })
        expectJson(reply, 200)
        expect(
          expectSessionSet(reply, { maxAge: DEFAULT_MAX_AGE, secure: false }).map(
            (cookie) => cookie.key,
          ),
        ).toEqual(['session'])
        const sealed = client.withServer(await ctx.server({ SESSION_FORMAT: 'sealed' }))
        expect(await readSession(sealed), 'read as sealed').toEqual({
          data: { a: 1 },
          isNew: false,
        })
        const signed = client.withServer(await ctx.server({ SESSION_FORMAT: 'signed' }))
        expect(await readSession(signed), 'not read as signed').toEqual({ data: {}, isNew: true })
      },
    },
  ],
  // Scenarios here capture the process's console output, which concurrent scenarios would mix in.
  { sequential: true },
)
