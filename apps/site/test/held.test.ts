import { createSessionHandler, parseCookies } from '@cookietin/core'
import { describe, expect, it } from 'vitest'
import { loadConfig, sessionOptions } from '../src/config.ts'
import { inspectHeldSession } from '../src/held.ts'
import { renderHomePage } from '../src/html.ts'

const SECRET = 'held-test-secret-0123456789abcdef0123'

/** The cookies a browser holds after a response that stored `data` (and a flash). */
async function cookiesHolding(
  format: 'sealed' | 'signed' | 'flask',
  data: Record<string, unknown>,
) {
  const config = loadConfig({ SESSION_SECRETS: SECRET, SESSION_FORMAT: format }, { warn: () => {} })
  const handler = createSessionHandler(await sessionOptions(config))
  const scope = await handler.begin(null, { secure: false })
  for (const [key, value] of Object.entries(data)) scope.session.set(key, value)
  scope.session.flash('hello <b>')
  const { setCookie } = await scope.finish()
  const cookies = parseCookies(setCookie.map((line) => line.slice(0, line.indexOf(';'))).join('; '))
  return { config, cookies }
}

describe('what the browser holds', () => {
  for (const format of ['sealed', 'signed', 'flask'] as const) {
    it(`opens a ${format} session: cookies and sizes, format, key id, times, data and flashes`, async () => {
      const { config, cookies } = await cookiesHolding(format, { _user: 'alice', n: 1 })
      const held = await inspectHeldSession(cookies, config)
      expect(held?.cookies).toEqual([
        { name: 'session', bytes: 'session'.length + (cookies['session']?.length ?? 0) },
      ])
      expect(held?.kind).toBe(format)
      expect(held?.valid).toBe(true)
      if (format === 'flask') expect(held?.keyId).toBeNull()
      else expect(held?.keyId).toMatch(/^[A-Za-z0-9_-]{8}$/)
      expect((held?.expiresAt ?? 0) - (held?.issuedAt ?? 0)).toBe(config.maxAge)
      expect(held?.session).toMatchObject({
        data: { _user: 'alice', n: 1 },
        flashes: [{ category: 'message', message: 'hello <b>' }],
      })
      const html = renderHomePage({
        user: 'alice',
        preferences: { theme: 'light', lang: 'en' },
        flashes: [],
        held,
      })
      expect(html).toContain('What your browser holds')
      expect(html).toContain(`<dd id="held-format">${format}</dd>`)
      expect(html).toContain('hello &lt;b&gt;')
      expect(html).not.toContain('hello <b>')
    })
  }

  it('lists every chunk of a chunked session', async () => {
    const { config, cookies } = await cookiesHolding('sealed', { big: 'x'.repeat(5000) })
    const held = await inspectHeldSession(cookies, config)
    expect(held?.cookies.map((cookie) => cookie.name)).toEqual(['session.0', 'session.1'])
    expect(held?.valid).toBe(true)
  })

  it('shows a Flask session holding ints past 2^53 as exact numbers, never a 500', async () => {
    const { config, cookies } = await cookiesHolding('flask', { uid: 2n ** 64n + 1n })
    const held = await inspectHeldSession(cookies, config)
    expect(held?.valid).toBe(true)
    const html = renderHomePage({
      user: null,
      preferences: { theme: 'light', lang: 'en' },
      flashes: [],
      held,
    })
    expect(html).toContain('&quot;uid&quot;: 18446744073709551617')
  })

  it('says why the server ignores a session it cannot open, and shows nothing without one', async () => {
    const { config, cookies } = await cookiesHolding('sealed', { n: 1 })
    const other = loadConfig({ SESSION_SECRETS: `${SECRET}-other` }, { warn: () => {} })
    const held = await inspectHeldSession(cookies, other)
    expect(held?.valid).toBe(false)
    expect(held?.session).toBeNull()
    expect(await inspectHeldSession({ theme: 'dark' }, config)).toBeNull()
    const html = renderHomePage({
      user: null,
      preferences: { theme: 'light', lang: 'en' },
      flashes: [],
    })
    expect(html).toContain('No session cookie yet')
  })
})
