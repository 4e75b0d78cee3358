/**
 * The session size defaults against the hops a session crosses (docs/sessions.md, "Size and
 * chunking"): the largest session core's defaults let through, with a few other cookies beside it,
 * must come back whole through Debian's nginx in its default configuration, curl's cookie jar and
 * Chromium. The app is a plain Node server on `createSessionHandler` with no size option, so the test
 * follows the library's defaults (the example apps set their own limit).
 */
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createSessionHandler, isCookietinError, isPromise, parseCookies } from '@cookietin/core'
import { listen } from '@cookietin/testkit'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CHROMIUM_ARGS, ensureChromium } from '../src/browser.ts'
import { SECRET_A, incompressible } from '../src/constants.ts'

const run = promisify(execFile)
const NGINX = '/usr/sbin/nginx'
const CURL = '/usr/bin/curl'

/** Cookies a site keeps beside its session (preferences, consent, analytics): 2 KB together. */
const OTHER_COOKIES: Readonly<Record<string, string>> = {
  theme: 'dark',
  lang: 'en-GB',
  consent: `s1.${incompressible(180)}`,
  _ga: `GA1.1.${incompressible(40)}`,
  cart: incompressible(1700),
}

/** What frameworks add to a response beside its cookies (Express: X-Powered-By, ETag, Vary...). */
const FRAMEWORK_HEADERS: Readonly<Record<string, string>> = {
  'X-Powered-By': 'Express',
  ETag: 'W/"2f-7xVhWj1sM2zLJcQnN0+9kqz3bXc"',
  Vary: 'Cookie',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Type': 'application/json; charset=utf-8',
}

const handler = createSessionHandler({ secrets: [SECRET_A], warn: () => {} })

/** The longest string `{ big }` may hold under the defaults, found by bisection. */
function largestDefaultSession(): string {
  const source = incompressible(20_000)
  const fits = (length: number) => {
    const scope = handler.begin(null, { secure: false })
    if (scope instanceof Promise) throw new Error('the node back-end is synchronous')
    scope.session.set('big', source.slice(0, length))
    try {
      // Synchronous on the node back-end: a commit that fails throws here.
      if (isPromise(scope.finish())) throw new Error('the node back-end is synchronous')
      return true
    } catch (error) {
      if (isCookietinError(error) && error.code === 'SESSION_TOO_LARGE') return false
      throw error
    }
  }
  let low = 0
  let high = source.length
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (fits(middle)) low = middle
    else high = middle - 1
  }
  return source.slice(0, low)
}

const big = largestDefaultSession()

/** The Set-Cookie lines of a 6 KB session, as a 12 KB limit in 4 cookies allows. */
const SIX_KB_SESSION = await (async () => {
  const larger = createSessionHandler({ secrets: [SECRET_A], maxSize: 12288, maxChunks: 4 })
  const scope = await larger.begin(null, { secure: false })
  scope.session.set('big', incompressible(6000))
  return (await scope.finish()).setCookie
})()

/**
 * `GET /fill` sets the largest default session, `GET /others` the other cookies (each with a
 * framework's usual headers); `GET /` reports what came back: the Cookie header's size, whether the
 * session read whole, and the other cookies it carried.
 */
const app = createServer((request, response) => {
  void (async () => {
    const scope = await handler.begin(request.headers.cookie, { secure: false })
    if (request.url === '/fill') scope.session.set('big', big)
    if (request.url === '/fill-6k') {
      response.setHeader('Set-Cookie', SIX_KB_SESSION)
      response.end()
      return
    }
    if (request.url === '/others')
      for (const [name, value] of Object.entries(OTHER_COOKIES))
        scope.cookies.set(name, value, { path: '/' })
    const session = scope.session.get('big')
    const { setCookie } = await scope.finish()
    const cookies = parseCookies(request.headers.cookie)
    response.setHeader('Set-Cookie', setCookie)
    for (const [name, value] of Object.entries(FRAMEWORK_HEADERS)) response.setHeader(name, value)
    response.end(
      JSON.stringify({
        cookieBytes: Buffer.byteLength(request.headers.cookie ?? ''),
        whole: session === big,
        others: Object.keys(OTHER_COOKIES).filter((name) => cookies[name] === OTHER_COOKIES[name]),
      }),
    )
  })()
})

interface Report {
  cookieBytes: number
  whole: boolean
  others: string[]
}

let server: Awaited<ReturnType<typeof listen>>
beforeAll(async () => {
  server = await listen(app)
})
afterAll(async () => {
  await server.close()
})

function expectWhole(report: Report): void {
  expect(report.whole, `the session came back whole (${report.cookieBytes} bytes of Cookie)`).toBe(
    true,
  )
  expect(report.others).toEqual(Object.keys(OTHER_COOKIES))
}

describe('the default size limit fits every common hop', () => {
  test('the largest default session is about 3 KB of cookie, and with the other cookies under 8 KB of Cookie header', () => {
    const scope = handler.begin(null, { secure: false })
    if (scope instanceof Promise) throw new Error('the node back-end is synchronous')
    scope.session.set('big', big)
    const { setCookie } = scope.finish() as { setCookie: string[] }
    const pairs = setCookie.map((line) => line.slice(0, line.indexOf(';')))
    expect(pairs.join('').length).toBeGreaterThan(3000)
    expect(pairs.join('').length).toBeLessThanOrEqual(3072)
    const header = [...pairs, ...Object.entries(OTHER_COOKIES).map(([n, v]) => `${n}=${v}`)]
    // curl's jar sends about 8100 bytes of Cookie, nginx's default buffers take 8182.
    expect(header.join('; ').length).toBeLessThan(8000)
  })

  describe.skipIf(!existsSync(NGINX))('through nginx in its default configuration', () => {
    let dir: string
    let port: number
    const nginx = (...args: string[]) => {
      const result = spawnSync(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir, ...args], {
        encoding: 'utf8',
      })
      if (result.status !== 0) throw new Error(`nginx ${args.join(' ')}: ${result.stderr}`)
    }

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cookietin-nginx-'))
      for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
        mkdirSync(join(dir, temp))
      // A free port for nginx: bind one, release it, hand it over.
      const probe = await listen(createServer())
      port = Number(new URL(probe.url).port)
      await probe.close()
      // Only what running unprivileged from a temporary folder needs; every limit is nginx's default.
      writeFileSync(
        join(dir, 'nginx.conf'),
        `pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass ${server.url}; }
  }
}
`,
      )
      nginx()
    })
    afterAll(() => {
      if (!dir) return
      try {
        nginx('-s', 'stop')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })

    test('passes the largest default session both ways, beside the other cookies', async () => {
      const cookies: string[] = []
      for (const path of ['/fill', '/others']) {
        // Response headers over nginx's default `proxy_buffer_size` (4 KB) would be a 502.
        const set = await fetch(`http://127.0.0.1:${port}${path}`)
        expect(set.status, path).toBe(200)
        for (const line of set.headers.getSetCookie())
          cookies.push(line.slice(0, line.indexOf(';')))
      }
      const cookie = cookies.join('; ')
      const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie } })
      expect(response.status).toBe(200)
      expectWhole((await response.json()) as Report)
    })

    test('refuses a Cookie line over 8 KB and response headers over 4 KB, as docs/sessions.md says', async () => {
      const over = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { cookie: `a=${'x'.repeat(8200)}` },
      })
      expect(over.status).toBe(400)
      // A 6 KB session (the old default allowed 12 KB) cannot even be set through it.
      expect((await fetch(`${server.url}/fill-6k`)).status, 'directly').toBe(200)
      expect((await fetch(`http://127.0.0.1:${port}/fill-6k`)).status, 'through nginx').toBe(502)
    })
  })
  if (!existsSync(NGINX))
    console.info(`[limits] nginx tests skipped: ${NGINX} is missing (apt-get install -y nginx)`)

  describe.skipIf(!existsSync(CURL))("through curl's cookie jar", () => {
    test('sends the session and the other cookies back', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cookietin-curl-'))
      const jar = join(dir, 'jar')
      // Asynchronous: the app answering curl runs in this process.
      const curl = async (path: string) =>
        (await run(CURL, ['-sS', '-c', jar, '-b', jar, `${server.url}${path}`])).stdout
      try {
        await curl('/fill')
        await curl('/others')
        expectWhole(JSON.parse(await curl('/')) as Report)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
  if (!existsSync(CURL)) console.info(`[limits] curl test skipped: ${CURL} is missing`)

  test('Chromium keeps and sends the session and the other cookies', async () => {
    const browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS })
    try {
      const page = await browser.newPage()
      await page.goto(`${server.url}/fill`)
      await page.goto(`${server.url}/others`)
      const response = await page.goto(`${server.url}/`)
      expectWhole((await response?.json()) as Report)
    } finally {
      await browser.close()
    }
  })
})
