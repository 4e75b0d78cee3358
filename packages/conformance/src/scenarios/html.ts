import { expect } from 'vitest'
import type { Client, Reply } from '../client.ts'
import { ONE_YEAR, USERS, unique } from '../constants.ts'
import {
  apiLogin,
  expectNoSetCookie,
  expectSessionDeleted,
  expectSessionSet,
  patchSession,
  postFlash,
  readFlashes,
  readSession,
  sessionSetsOf,
  whoAmI,
} from '../expect.ts'
import { defineScenarios } from '../scenario.ts'

function expectHtml(reply: Reply, status: number): string {
  expect(reply.status, reply.summary).toBe(status)
  expect(reply.contentType, reply.summary).toMatch(/^text\/html\b/i)
  return reply.text
}

/** A 303 to `/` (a relative or absolute Location). */
function expectSeeOtherHome(reply: Reply, client: Client): void {
  expect(reply.status, reply.summary).toBe(303)
  expect([`/`, `${client.baseUrl}/`], reply.summary).toContain(reply.location)
}

/** The `<form ...>` start tags of a page whose action is `action`. */
function formsPostingTo(html: string, action: string): string[] {
  return [...html.matchAll(/<form\b[^>]*>/gi)]
    .map((match) => match[0])
    .filter((tag) =>
      new RegExp(`action\\s*=\\s*["']?${action.replace(/\//g, '\\/')}["'\\s>]`, 'i').test(tag),
    )
}

function expectPostForm(html: string, action: string, fields: readonly string[]): void {
  const forms = formsPostingTo(html, action)
  expect(forms.length, `a <form action="${action}"> in:\n${html.slice(0, 2000)}`).toBeGreaterThan(0)
  expect(
    forms.some((tag) => /method\s*=\s*["']?post/i.test(tag)),
    `method="post" on ${forms.join(' ')}`,
  ).toBe(true)
  for (const field of fields)
    expect(html, `a field named ${field}`).toMatch(
      new RegExp(`name\\s*=\\s*["']?${field}["'\\s>]`, 'i'),
    )
}

async function formLogin(client: Client, username: string, password: string): Promise<Reply> {
  return client.post('/login', { form: { username, password } })
}

export const htmlScenarios = defineScenarios('html', [
  {
    title: 'GET / is an HTML page holding the preferences form (theme, lang)',
    async run(ctx) {
      const c = await ctx.client()
      const html = expectHtml(await c.get('/'), 200)
      expectPostForm(html, '/preferences', ['theme', 'lang'])
    },
  },
  {
    title: 'GET /login is a form posting username and password to /login',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.get('/login')
      const html = expectHtml(reply, 200)
      expectPostForm(html, '/login', ['username', 'password'])
      expect(html).toMatch(/type\s*=\s*["']?password/i)
      expectNoSetCookie(reply)
    },
  },
  {
    title:
      'POST /login with good credentials is 303 to /, logs in, flashes, and shows the user on /',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await formLogin(c, 'bob', USERS.bob)
      expectSeeOtherHome(reply, c)
      expectSessionSet(reply)
      expect(await whoAmI(c)).toBe('bob')
      const flashed = await readFlashes(await c.fork())
      expect(flashed.length, 'a login flashes a message').toBeGreaterThan(0)
      expect(expectHtml(await c.get('/'), 200)).toContain('bob')
      expect(expectHtml(await c.get('/protected'), 200)).toContain('bob')
    },
  },
  {
    title: 'POST /login regenerates the session: a new cookie value, client data kept',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { cart: ['book'] })
      const before = await c.cookieValues()
      const reply = await formLogin(c, 'alice', USERS.alice)
      expectSeeOtherHome(reply, c)
      for (const cookie of sessionSetsOf(reply)) expect(cookie.value).not.toBe(before[cookie.key])
      expect(await readSession(c)).toEqual({ data: { cart: ['book'] }, isNew: false })
    },
  },
  {
    title: 'POST /login with a wrong password is 401 with the form and an error; nothing changes',
    async run(ctx) {
      const c = await ctx.client()
      await patchSession(c, { kept: 1 })
      for (const [username, password] of [
        ['alice', 'builder'],
        ['nobody', 'wonderland'],
      ] as const) {
        const reply = await formLogin(c, username, password)
        const html = expectHtml(reply, 401)
        expectPostForm(html, '/login', ['username', 'password'])
        expectNoSetCookie(reply)
      }
      expect(await whoAmI(c)).toBeNull()
      expect(await readSession(c)).toEqual({ data: { kept: 1 }, isNew: false })
    },
  },
  {
    title: 'POST /login with missing fields is 401 with the form',
    async run(ctx) {
      const c = await ctx.client()
      for (const form of [{}, { username: 'alice' }, { password: 'wonderland' }]) {
        const reply = await c.post('/login', { form })
        expectPostForm(expectHtml(reply, 401), '/login', ['username', 'password'])
        expectNoSetCookie(reply)
      }
      const empty = await c.post('/login', {
        body: '',
        contentType: 'application/x-www-form-urlencoded',
      })
      expectHtml(empty, 401)
      expect(await whoAmI(c)).toBeNull()
    },
  },
  {
    title: 'GET /protected is 401 without a login and 200 with the user name after one',
    async run(ctx) {
      const c = await ctx.client()
      expect((await c.get('/protected')).status).toBe(401)
      await apiLogin(c, 'alice')
      expect(expectHtml(await c.get('/protected'), 200)).toContain('alice')
    },
  },
  {
    title: 'POST /logout is 303 to / and destroys the whole session; /protected is 401 again',
    formats: 'each',
    async run(ctx) {
      const c = await ctx.client()
      await apiLogin(c, 'alice')
      await patchSession(c, { cart: [1] })
      const held = await c.cookieNames()
      const reply = await c.post('/logout', { form: {} })
      expectSeeOtherHome(reply, c)
      expectSessionDeleted(reply, held)
      expect((await c.get('/protected')).status).toBe(401)
      expect(await readSession(c)).toEqual({ data: {}, isNew: true })
    },
  },
  {
    title: 'the home page of a logged-in user holds the logout form',
    async run(ctx) {
      const c = await ctx.client()
      await apiLogin(c, 'bob')
      const html = expectHtml(await c.get('/'), 200)
      expect(html).toContain('bob')
      expectPostForm(html, '/logout', [])
    },
  },
  {
    title:
      'POST /preferences sets theme and lang cookies for a year (not HttpOnly) and is 303 to /',
    async run(ctx) {
      const c = await ctx.client()
      const reply = await c.post('/preferences', { form: { theme: 'dark', lang: 'fr' } })
      expectSeeOtherHome(reply, c)
      for (const [name, value] of [
        ['theme', 'dark'],
        ['lang', 'fr'],
      ] as const) {
        const cookie = reply.cookie(name)
        expect(cookie?.value, reply.summary).toBe(value)
        expect(cookie?.maxAge, `Max-Age one year on ${name}`).toBe(ONE_YEAR)
        expect(cookie?.path).toBe('/')
        expect(cookie?.httpOnly, `${name} is readable by scripts`).toBe(false)
      }
      const dark = expectHtml(await c.get('/'), 200)
      expect(dark).toMatch(/\bdark\b/)
      expect(dark).toMatch(/\bfr\b/)
      const again = await c.post('/preferences', { form: { theme: 'light', lang: 'en' } })
      expectSeeOtherHome(again, c)
      expect(await c.cookieValues()).toMatchObject({ theme: 'light', lang: 'en' })
      expect(expectHtml(await c.get('/'), 200)).toMatch(/\blight\b/)
    },
  },
  {
    title: 'the home page shows a flashed message exactly once',
    async run(ctx) {
      const c = await ctx.client()
      const message = unique('flash')
      await postFlash(c, message)
      expect(expectHtml(await c.get('/'), 200)).toContain(message)
      expect(expectHtml(await c.get('/'), 200)).not.toContain(message)
      expect(await readFlashes(c)).toEqual([])
    },
  },
  {
    title: 'user input is escaped in HTML (flashes, the login form, preference cookies)',
    async run(ctx) {
      const c = await ctx.client()
      const payload = '<script>alert("x")</script>'
      await postFlash(c, payload, '<i>cat</i>')
      const home = expectHtml(await c.get('/'), 200)
      expect(home).not.toContain(payload)
      expect(home).not.toContain('<i>cat</i>')
      expect(home, 'the flash is shown, escaped').toMatch(
        /&lt;script|&#0*60;script|&#x0*3c;script/i,
      )

      const login = await formLogin(c, '<img src=x onerror=alert(1)>', 'x')
      expect(expectHtml(login, 401)).not.toContain('<img src=x onerror=alert(1)>')

      const planted = await c.get('/', { cookie: 'theme=<b>pwn</b>; lang=<b>pwn</b>' })
      expect(expectHtml(planted, 200)).not.toContain('<b>pwn</b>')

      const prefs = await c.post('/preferences', {
        form: { theme: '"><b>pwn</b>', lang: '"><b>pwn</b>' },
      })
      expect(prefs.status, prefs.summary).toBeLessThan(500)
      expect(expectHtml(await c.get('/'), 200)).not.toContain('<b>pwn</b>')
    },
  },
])
