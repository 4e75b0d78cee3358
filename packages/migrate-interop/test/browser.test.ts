/**
 * The switch as a user lives it, in Chromium: logged in on the old app, the server is replaced on the
 * same port by the cookietin app with `migrateFrom`, and the next page still knows them; the old
 * cookies are gone from the browser and the new one alone keeps them logged in.
 */
import { cookieSession, ironSession, koaSession } from '@cookietin/core/migrate'
import { CHROMIUM_ARGS, ensureChromium } from '@cookietin/conformance/browser'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Adapter } from '../src/cookietin.ts'
import { startCookietin } from '../src/cookietin.ts'
import { type LegacyConfig, startLegacy } from '../src/legacy.ts'

const PASSWORD = 'iron password of the browser test 0123456789'
const KEY = 'keygrip key of the browser test'

const SWITCHES: { old: LegacyConfig; adapter: Adapter; names: string[] }[] = [
  { old: { library: 'cookie-session', keys: [KEY] }, adapter: 'express', names: ['session.sig'] },
  {
    old: { library: 'koa-session', keys: [KEY] },
    adapter: 'koa',
    names: ['koa.sess', 'koa.sess.sig'],
  },
  // iron-session's default Secure cookie: Chromium keeps it on http://127.0.0.1 (a secure context).
  { old: { library: 'iron-session@9', password: PASSWORD }, adapter: 'hono', names: ['iron'] },
]

describe.concurrent('browser: switched to cookietin, still logged in', () => {
  let browser: Browser | undefined

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS })
  }, 900_000)

  afterAll(async () => {
    await browser?.close()
  })

  test.each(SWITCHES)(
    '$old.library, then cookietin on $adapter',
    async ({ old, adapter, names }) => {
      if (!browser) throw new Error('Chromium did not start')
      const context = await browser.newContext()
      try {
        context.setDefaultTimeout(15_000)
        const page = await context.newPage()
        const before = await startLegacy(old)
        await page.goto(`${before.url}/login?user=alice`)
        expect(await page.locator('body').innerText()).toBe('user: alice')
        const oldCookies = (await context.cookies()).map((cookie) => cookie.name)
        expect(oldCookies).toEqual(expect.arrayContaining(names))
        await before.close()

        const after = await startCookietin(
          adapter,
          {
            secrets: ['cookietin secret of the browser test 0123456789'],
            migrateFrom: [
              cookieSession({ keys: [KEY] }),
              koaSession({ keys: [KEY] }),
              ironSession({ cookieName: 'iron', password: PASSWORD }),
            ],
          },
          before.port,
        )
        try {
          await page.reload()
          expect(await page.locator('body').innerText()).toBe('user: alice')
          const cookies = await context.cookies()
          expect(cookies.map((cookie) => cookie.name)).toEqual(['session'])
          expect(cookies[0]?.value).toMatch(/^e1\./)
          // The cookietin cookie alone, on a new page: still alice.
          const next = await context.newPage()
          await next.goto(`${after.url}/`)
          expect(await next.locator('body').innerText()).toBe('user: alice')
          await next.goto(`${after.url}/logout`)
          expect(await next.locator('body').innerText()).toBe('user: none')
          expect(await context.cookies()).toEqual([])
        } finally {
          await after.close()
        }
      } finally {
        await context.close()
      }
    },
  )
})
