import { describe, expect, it } from 'vitest'
import { escapeHtml, renderHomePage, renderLoginPage, renderProtectedPage } from '../src/html.ts'

const EVIL = `<script>alert("x")</script>&'`

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    )
    expect(escapeHtml('plain text é')).toBe('plain text é')
    expect(escapeHtml(42)).toBe('42')
  })
})

describe('pages', () => {
  it('escapes the user, flashes and preferences on the home page', () => {
    const html = renderHomePage({
      user: EVIL,
      preferences: { theme: 'dark', lang: EVIL },
      flashes: [{ category: EVIL, message: EVIL }],
    })
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;')
    expect(html).toContain('action="/logout"')
    expect(html).toContain('action="/preferences"')
    expect(html).toContain('class="dark"')
  })

  it('shows a logged-out home page with a login link and no logout form', () => {
    const html = renderHomePage({
      user: null,
      preferences: { theme: 'light', lang: 'fr' },
      flashes: [],
    })
    expect(html).toContain('href="/login"')
    expect(html).not.toContain('action="/logout"')
    expect(html).toContain('<html lang="fr">')
  })

  it('escapes the login error and prefilled username', () => {
    const html = renderLoginPage({ error: EVIL, username: `"><script>` })
    expect(html).not.toContain('<script>')
    expect(html).toContain('name="username"')
    expect(html).toContain('name="password"')
  })

  it('names the user on the protected page', () => {
    expect(renderProtectedPage('alice')).toContain('<strong>alice</strong>')
    expect(renderProtectedPage(EVIL)).not.toContain('<script>')
    expect(renderProtectedPage(null)).toContain('href="/login"')
  })
})
