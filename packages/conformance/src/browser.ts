import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import {
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
  chromium,
} from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { USERS, incompressible, unique } from './constants.ts'
import { formatEnv, startOn } from './servers.ts'
import type { Env, RunningServer, SessionFormatName, StartServer } from './types.ts'

export const CHROMIUM_PATH = '/usr/bin/chromium'

/**
 * The flags Debian's Chromium needs here: no sandbox as root, and no background traffic on a closed
 * network.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/** Generous: five tests share one browser on a machine that may be busy. */
const TEST_TIMEOUT = 60_000

export interface BrowserTarget {
  name: string
  startServer: StartServer
  /** @default 'sealed' */
  format?: SessionFormatName
  /** Extra environment for the app. */
  env?: Env
}

/**
 * Debian's Chromium, installed with apt-get when missing and we are root; otherwise a clear
 * failure. Never skips: a browser test that did not run must not look like one that passed.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH
  const howTo = 'apt-get update && apt-get install -y chromium (as root)'
  if (process.getuid?.() !== 0)
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}; install it with: ${howTo}`)
  const apt = (...args: string[]) =>
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 600_000,
    })
  try {
    apt('install', '-y', 'chromium')
  } catch {
    apt('update')
    apt('install', '-y', 'chromium')
  }
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `apt-get installed chromium but ${CHROMIUM_PATH} is still missing; try: ${howTo}`,
    )
  return CHROMIUM_PATH
}

/** Sets a form field whatever its kind: select, radio or checkbox group, or text input. */
async function setField(form: Locator, name: string, value: string): Promise<void> {
  const field = form.locator(`[name="${name}"]`).first()
  const tag = await field.evaluate((element) => element.tagName.toLowerCase())
  const type = ((await field.getAttribute('type')) ?? '').toLowerCase()
  if (tag === 'select') await field.selectOption(value)
  else if (type === 'radio' || type === 'checkbox')
    await form.locator(`[name="${name}"][value="${value}"]`).check()
  else await field.fill(value)
}

/** A form field's current value: the selected option, the checked radio, or the input's text. */
async function fieldValue(form: Locator, name: string): Promise<string | null> {
  const field = form.locator(`[name="${name}"]`).first()
  const type = ((await field.getAttribute('type')) ?? '').toLowerCase()
  if (type === 'radio' || type === 'checkbox') {
    const checked = form.locator(`[name="${name}"]:checked`)
    return (await checked.count()) ? checked.first().getAttribute('value') : null
  }
  return field.inputValue()
}

/** Submits `form` with its submit button and waits for the page the 303 lands on. */
async function submit(page: Page, form: Locator, landing = '/'): Promise<void> {
  const landed = page.waitForResponse(
    (response) =>
      new URL(response.url()).pathname === landing && response.request().method() === 'GET',
  )
  await form
    .locator('button[type="submit"], button:not([type]), input[type="submit"]')
    .first()
    .click()
  await landed
  await page.waitForLoadState('domcontentloaded')
}

const formPostingTo = (page: Page, action: string) =>
  page.locator(`form[action="${action}"]`).first()

/**
 * Browser tests against one app in Debian's Chromium (playwright-core): one browser per file, a
 * fresh context (an empty cookie jar) per test.
 */
export function runBrowserTests(target: BrowserTarget): void {
  const name = target.name
  // Each test has its own context (cookie jar), so they share the browser and run together.
  describe.concurrent(`[${name}] browser`, () => {
    let browser: Browser | undefined
    let server: RunningServer | undefined
    const contexts: BrowserContext[] = []

    beforeAll(async () => {
      const executablePath = ensureChromium()
      ;[browser, server] = await Promise.all([
        chromium.launch({ executablePath, args: CHROMIUM_ARGS }),
        startOn(target.startServer, formatEnv(target.format ?? 'sealed', target.env)),
      ])
    }, 900_000)

    afterAll(async () => {
      await Promise.all(contexts.map((context) => context.close().catch(() => {})))
      await browser?.close()
      await server?.close()
    })

    async function open(): Promise<{ page: Page; context: BrowserContext; url: string }> {
      if (!browser || !server) throw new Error('the browser or the app did not start')
      const context = await browser.newContext()
      contexts.push(context)
      context.setDefaultTimeout(10_000)
      return { page: await context.newPage(), context, url: server.url }
    }

    async function logIn(page: Page, url: string): Promise<string> {
      await page.goto(`${url}/login`)
      const form = formPostingTo(page, '/login')
      await form.locator('[name="username"]').fill('alice')
      await form.locator('[name="password"]').fill(USERS.alice)
      await submit(page, form)
      expect(new URL(page.url()).pathname).toBe('/')
      return page.locator('body').innerText()
    }

    test(
      `[${name}] logs in through the form, sees the protected page, and stays logged in after a reload`,
      async () => {
        const { page, url } = await open()
        const landing = await logIn(page, url)
        expect(landing).toContain('alice')
        const protectedPage = await page.goto(`${url}/protected`)
        expect(protectedPage?.status()).toBe(200)
        expect(await page.locator('body').innerText()).toContain('alice')
        const reloaded = await page.reload()
        expect(reloaded?.status()).toBe(200)
        expect(await page.locator('body').innerText()).toContain('alice')
        // The login's flash was on the landing page once: reloading it shows less.
        await page.goto(`${url}/`)
        const again = await page.locator('body').innerText()
        const shownOnce = landing.split('\n').filter((line) => line.trim() && !again.includes(line))
        expect(
          shownOnce.length,
          `a flash on the page after login only:\n${landing}`,
        ).toBeGreaterThan(0)
      },
      TEST_TIMEOUT,
    )

    test(
      `[${name}] shows a flashed message exactly once`,
      async () => {
        const { page, url } = await open()
        await page.goto(`${url}/`)
        const message = unique('browser-flash')
        // The pages' CSP forbids scripts to fetch; the context's request API shares the browser's
        // cookies.
        const status = (await page.request.post(`${url}/api/flash`, { data: { message } })).status()
        expect(status).toBe(204)
        await page.goto(`${url}/`)
        expect(await page.locator('body').innerText()).toContain(message)
        await page.reload()
        expect(await page.locator('body').innerText()).not.toContain(message)
      },
      TEST_TIMEOUT,
    )

    test(
      `[${name}] keeps preferences in cookies across reloads`,
      async () => {
        const { page, url } = await open()
        await page.goto(`${url}/`)
        let form = formPostingTo(page, '/preferences')
        await setField(form, 'theme', 'dark')
        await setField(form, 'lang', 'fr')
        await submit(page, form)
        await page.reload()
        form = formPostingTo(page, '/preferences')
        expect(await fieldValue(form, 'theme')).toBe('dark')
        expect(await fieldValue(form, 'lang')).toBe('fr')
        const cookies = await page.evaluate(() => document.cookie)
        expect(cookies).toMatch(/(^|; )theme=dark(;|$)/)
        expect(cookies).toMatch(/(^|; )lang=fr(;|$)/)
        await setField(form, 'theme', 'light')
        await submit(page, form)
        await page.reload()
        expect(await fieldValue(formPostingTo(page, '/preferences'), 'theme')).toBe('light')
      },
      TEST_TIMEOUT,
    )

    test(
      `[${name}] document.cookie cannot see the HttpOnly session cookie but sees theme and lang`,
      async () => {
        const { page, context, url } = await open()
        await logIn(page, url)
        const form = formPostingTo(page, '/preferences')
        await setField(form, 'theme', 'dark')
        await setField(form, 'lang', 'en')
        await submit(page, form)
        const held = await context.cookies()
        const session = held.filter((cookie) => /^session(\.\d+)?$/.test(cookie.name))
        expect(session.length, 'the browser holds the session').toBeGreaterThan(0)
        for (const cookie of session) {
          expect(cookie.httpOnly, cookie.name).toBe(true)
          expect(cookie.sameSite, cookie.name).toBe('Lax')
          expect(cookie.path, cookie.name).toBe('/')
        }
        const visible = await page.evaluate(() => document.cookie)
        expect(visible).not.toMatch(/(^|; )session(\.\d+)?=/)
        expect(visible).toMatch(/(^|; )theme=dark(;|$)/)
        expect(visible).toMatch(/(^|; )lang=en(;|$)/)
      },
      TEST_TIMEOUT,
    )

    test(
      `[${name}] the home page shows what the browser holds: each session cookie and its size, the format, key id, times and data`,
      async () => {
        const { page, context, url } = await open()
        const format = target.format ?? 'sealed'
        const held = page.locator('#held')
        /** The session cookies Chromium holds, with the bytes of name and value, in name order. */
        const sessionCookies = async () =>
          (await context.cookies())
            .filter((cookie) => /^session(\.\d+)?$/.test(cookie.name))
            .map((cookie) => `${cookie.name} ${cookie.name.length + cookie.value.length} bytes`)
            .sort()
        const shownCookies = async () =>
          (await held.locator('#held-cookies tr').allInnerTexts())
            .slice(1, -1)
            .map((row) => row.replace(/\s+/g, ' ').trim())
            .sort()

        await page.goto(`${url}/`)
        expect(await held.innerText()).toContain('No session cookie yet')

        await logIn(page, url)
        // The landing page consumed the login's flash, which re-set the cookie: look again.
        await page.goto(`${url}/`)
        expect(await shownCookies()).toEqual(await sessionCookies())
        expect(await held.locator('#held-format').innerText()).toBe(format)
        if (format !== 'flask')
          expect(await held.locator('#held-key').innerText()).toMatch(/^[A-Za-z0-9_-]{8}$/)
        const issued = Date.parse(await held.locator('#held-issued').innerText())
        const expires = Date.parse(await held.locator('#held-expires').innerText())
        expect(Math.abs(issued - Date.now()), 'issued just now').toBeLessThan(120_000)
        expect(expires - issued, 'the default SESSION_MAX_AGE, 14 days').toBe(1_209_600_000)
        expect(await held.locator('#held-data').innerText()).toContain('"_user": "alice"')

        const message = unique('held-flash')
        expect((await page.request.post(`${url}/api/flash`, { data: { message } })).status()).toBe(
          204,
        )
        await page.goto(`${url}/`)
        expect(await held.locator('#held-data').innerText()).toContain(message)

        if (format !== 'flask') {
          const big = incompressible(5000)
          const grown = await page.request.patch(`${url}/api/session`, { data: { big } })
          expect(grown.status()).toBe(200)
          await page.goto(`${url}/`)
          const chunks = await shownCookies()
          expect(chunks.length, chunks.join(', ')).toBeGreaterThan(1)
          expect(chunks[0]).toMatch(/^session\.0 /)
          expect(chunks).toEqual(await sessionCookies())
          expect(await held.locator('#held-data').innerText()).toContain(big)
        }
      },
      TEST_TIMEOUT,
    )

    test(
      `[${name}] logs out and is refused the protected page`,
      async () => {
        const { page, url } = await open()
        await logIn(page, url)
        expect((await page.goto(`${url}/protected`))?.status()).toBe(200)
        await page.goto(`${url}/`)
        await submit(page, formPostingTo(page, '/logout'))
        expect((await page.goto(`${url}/protected`))?.status()).toBe(401)
      },
      TEST_TIMEOUT,
    )
  })
}
