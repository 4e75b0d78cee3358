import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createFlaskCodec } from '@cookietin/core/flask'
import { checkRequestTarget, readBody } from '../src/http.ts'
import { stringifyJson } from '../src/json.ts'
import { createClient } from './harness.ts'

/** Random base64url text of `length` characters: nothing for zlib (the flask format) to squeeze. */
const incompressible = (length: number) =>
  randomBytes(Math.ceil((length * 3) / 4))
    .toString('base64url')
    .slice(0, length)

describe('cookies API', () => {
  it('sets a cookie with the defaults and reads it back exactly', async () => {
    const { site, send } = await createClient()
    const value = 'hé llo; %zz "quoted" ,'
    const put = await send(site.putCookie, { params: { name: 'greeting' }, body: { value } })
    expect(put.status).toBe(204)
    expect(put.body).toBeNull()
    expect(put.setCookie).toHaveLength(1)
    expect(put.setCookie[0]).toMatch(/^greeting=[^;]*; Path=\/$/)
    const get = await send(site.getCookie, { params: { name: 'greeting' } })
    expect(get.json).toEqual({ value, valid: true })
    const list = await send(site.listCookies)
    expect(list.json).toEqual({ cookies: { greeting: value } })
  })

  it('answers null and invalid for an absent cookie', async () => {
    const { site, send } = await createClient()
    expect((await send(site.getCookie, { params: { name: 'nope' } })).json).toEqual({
      value: null,
      valid: false,
    })
    expect(
      (await send(site.getCookie, { params: { name: 'nope' }, url: '/?signed=1' })).json,
    ).toEqual({ value: null, valid: false })
  })

  it('writes the attributes asked for: maxAge capped at 400 days, sameSite in any case, None forcing Secure', async () => {
    const { site, send } = await createClient()
    const put = await send(site.putCookie, {
      params: { name: 'a' },
      body: { value: '1', maxAge: 10 ** 12, httpOnly: true, sameSite: 'nOnE', path: '/api' },
    })
    expect(put.status).toBe(204)
    expect(put.setCookie[0]).toBe(
      'a=1; Max-Age=34560000; Path=/api; HttpOnly; Secure; SameSite=None',
    )
    const lax = await send(site.putCookie, {
      params: { name: 'b' },
      body: { value: '2', sameSite: 'lax', maxAge: 60 },
    })
    expect(lax.setCookie[0]).toBe('b=2; Max-Age=60; Path=/; SameSite=Lax')
  })

  it('signs cookies and verifies them, refusing a tampered one', async () => {
    const { site, send, jar } = await createClient()
    expect(
      (
        await send(site.putCookie, {
          params: { name: 'token' },
          body: { value: 'v', signed: true },
        })
      ).status,
    ).toBe(204)
    expect(jar.get('token')).not.toBe('v')
    expect(
      (
        await send(site.getCookie, {
          params: { name: 'token' },
          url: '/api/cookies/token?signed=1',
        })
      ).json,
    ).toEqual({ value: 'v', valid: true })
    jar.set('token', `${jar.get('token')!.slice(0, -2)}AA`)
    expect(
      (await send(site.getCookie, { params: { name: 'token' }, url: '/x?signed=1' })).json,
    ).toEqual({ value: null, valid: false })
    // Not signed at all.
    jar.set('plain', 'v')
    expect(
      (await send(site.getCookie, { params: { name: 'plain' }, url: '/x?signed=1' })).json,
    ).toEqual({ value: null, valid: false })
  })

  it('refuses wrongly-typed fields with BAD_REQUEST', async () => {
    const { site, send } = await createClient()
    const bodies = [
      {},
      { value: 1 },
      { value: 'x', signed: 'yes' },
      { value: 'x', maxAge: '60' },
      { value: 'x', httpOnly: 1 },
      { value: 'x', sameSite: true },
      { value: 'x', path: 5 },
      [],
      'null',
      '{"value": "x"',
      '',
    ]
    for (const body of bodies) {
      const answer = await send(site.putCookie, { params: { name: 'a' }, body })
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.json.error.code, JSON.stringify(body)).toBe('BAD_REQUEST')
      expect(answer.setCookie).toEqual([])
    }
  })

  it('refuses bad names, values, paths, domains and sameSite with INVALID_COOKIE', async () => {
    const { site, send } = await createClient()
    const cases: [string, unknown][] = [
      ['a b', { value: 'x' }],
      ['a;b', { value: 'x' }],
      ['ü', { value: 'x' }],
      ['', { value: 'x' }],
      ['a', { value: '\ud800' }],
      ['a', { value: 'x', path: 'relative' }],
      ['a', { value: 'x', path: '/a;b' }],
      ['a', { value: 'x', domain: 'exa mple.com' }],
      ['a', { value: 'x', domain: '' }],
      ['a', { value: 'x', sameSite: 'sometimes' }],
      ['a', { value: 'x', maxAge: -1 }],
      ['a', { value: 'x', maxAge: 1.5 }],
      ['__Host-a', { value: 'x', path: '/sub' }],
    ]
    for (const [name, body] of cases) {
      const answer = await send(site.putCookie, { params: { name }, body })
      expect(answer.status, `${name} ${JSON.stringify(body)}`).toBe(400)
      expect(answer.json.error.code, `${name} ${JSON.stringify(body)}`).toBe('INVALID_COOKIE')
      expect(answer.setCookie).toEqual([])
    }
  })

  it('refuses a cookie over 4096 bytes with COOKIE_TOO_LARGE', async () => {
    const { site, send } = await createClient()
    expect(
      (await send(site.putCookie, { params: { name: 'a' }, body: { value: 'x'.repeat(4095) } }))
        .status,
    ).toBe(204)
    const big = await send(site.putCookie, {
      params: { name: 'a' },
      body: { value: 'x'.repeat(4096) },
    })
    expect(big.status).toBe(400)
    expect(big.json.error.code).toBe('COOKIE_TOO_LARGE')
    expect(big.setCookie).toEqual([])
    const signed = await send(site.putCookie, {
      params: { name: 'a' },
      body: { value: 'x'.repeat(4000), signed: true },
    })
    expect(signed.json.error.code).toBe('COOKIE_TOO_LARGE')
  })

  it('deletes a cookie on Path=/ by default, or on the path and domain given', async () => {
    const { site, send } = await createClient()
    const plain = await send(site.deleteCookie, { params: { name: 'a' } })
    expect(plain.status).toBe(204)
    expect(plain.setCookie).toEqual([
      'a=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ])
    const scoped = await send(site.deleteCookie, {
      params: { name: 'a' },
      url: '/api/cookies/a?path=/x&domain=example.com',
    })
    expect(scoped.setCookie).toEqual([
      'a=; Max-Age=0; Domain=example.com; Path=/x; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ])
    for (const url of ['/?path=x', '/?domain=a%20b']) {
      const bad = await send(site.deleteCookie, { params: { name: 'a' }, url })
      expect(bad.json.error.code).toBe('INVALID_COOKIE')
      expect(bad.setCookie).toEqual([])
    }
    expect((await send(site.deleteCookie, { params: { name: 'a b' } })).json.error.code).toBe(
      'INVALID_COOKIE',
    )
  })

  it('sets Secure when COOKIE_SECURE says so', async () => {
    const always = await createClient({ COOKIE_SECURE: 'true' })
    expect(
      (await always.send(always.site.putCookie, { params: { name: 'a' }, body: { value: '1' } }))
        .setCookie[0],
    ).toContain('; Secure')
    const auto = await createClient({ COOKIE_SECURE: 'auto' })
    expect(
      (await auto.send(auto.site.putCookie, { params: { name: 'a' }, body: { value: '1' } }))
        .setCookie[0],
    ).not.toContain('Secure')
    expect(
      (
        await auto.send(auto.site.putCookie, {
          params: { name: 'a' },
          body: { value: '1' },
          secure: true,
        })
      ).setCookie[0],
    ).toContain('; Secure')
    // A prefixed name still gets Secure over HTTP rather than an error.
    expect(
      (
        await auto.send(auto.site.putCookie, {
          params: { name: '__Secure-a' },
          body: { value: '1' },
        })
      ).setCookie[0],
    ).toContain('; Secure')
  })
})

describe('session API', () => {
  it('starts new and empty, with no Set-Cookie for an unchanged read', async () => {
    const { site, send } = await createClient()
    const answer = await send(site.getSession)
    expect(answer.json).toEqual({ data: {}, isNew: true })
    expect(answer.setCookie).toEqual([])
    expect(answer.headers['Vary']).toBe('Cookie')
  })

  it('patches keys, deletes top-level nulls and keeps nested ones', async () => {
    const { site, send } = await createClient()
    const first = await send(site.patchSession, { body: { a: 1, b: { c: null }, d: 'x' } })
    expect(first.status).toBe(200)
    expect(first.json).toEqual({ data: { a: 1, b: { c: null }, d: 'x' } })
    expect(first.setCookie).toHaveLength(1)
    expect(first.setCookie[0]).toMatch(
      /^session=.*; Max-Age=1209600; Path=\/; Expires=.*; HttpOnly; SameSite=Lax$/,
    )
    const second = await send(site.patchSession, { body: { a: null, e: [1, 2] } })
    expect(second.json).toEqual({ data: { b: { c: null }, d: 'x', e: [1, 2] } })
    const read = await send(site.getSession)
    expect(read.json).toEqual({ data: { b: { c: null }, d: 'x', e: [1, 2] }, isNew: false })
    expect(read.setCookie).toEqual([])
  })

  it('refuses reserved keys with RESERVED_KEY and changes nothing', async () => {
    const { site, send } = await createClient()
    await send(site.patchSession, { body: { a: 1 } })
    for (const body of [{ _user: 'alice' }, { b: 2, _x: 1 }, '{"__proto__": {"x": 1}}']) {
      const answer = await send(site.patchSession, { body })
      expect(answer.status).toBe(400)
      expect(answer.json.error.code).toBe('RESERVED_KEY')
      expect(answer.setCookie).toEqual([])
    }
    const pop = await send(site.popSession, { body: { key: '_user' } })
    expect(pop.json.error.code).toBe('RESERVED_KEY')
    expect((await send(site.getSession)).json.data).toEqual({ a: 1 })
    expect((await send(site.apiMe)).status).toBe(401)
  })

  it('refuses malformed or wrongly-shaped bodies with BAD_REQUEST', async () => {
    const { site, send } = await createClient()
    for (const body of ['{', '[1]', '"x"', '', 'null']) {
      const answer = await send(site.patchSession, { body })
      expect(answer.status).toBe(400)
      expect(answer.json.error.code).toBe('BAD_REQUEST')
    }
    for (const body of [{}, { key: 1 }, '{'])
      expect((await send(site.popSession, { body })).json.error.code).toBe('BAD_REQUEST')
    for (const body of [{}, { message: 1 }, { message: 'x', category: 2 }])
      expect((await send(site.postFlash, { body })).json.error.code).toBe('BAD_REQUEST')
    for (const body of [{}, { username: 'alice' }, { username: 'alice', password: 1 }, '{'])
      expect((await send(site.apiLogin, { body })).json.error.code).toBe('BAD_REQUEST')
  })

  it('fits 6 KB of incompressible data by chunking, and refuses to outgrow 12 KB with 413, keeping the previous session', async () => {
    for (const format of ['sealed', 'signed']) {
      const { site, send, jar } = await createClient({ SESSION_FORMAT: format })
      const six = incompressible(6144)
      const fits = await send(site.patchSession, { body: { big: six } })
      expect(fits.status).toBe(200)
      const names = [...jar.keys()].sort()
      expect(names.length).toBeGreaterThan(1)
      expect(names).toEqual(names.map((_, index) => `session.${index}`))
      const before = new Map(jar)
      const tooLarge = await send(site.patchSession, { body: { more: incompressible(8000) } })
      expect(tooLarge.status).toBe(413)
      expect(tooLarge.json.error.code).toBe('SESSION_TOO_LARGE')
      expect(tooLarge.setCookie).toEqual([])
      expect(jar).toEqual(before)
      expect((await send(site.getSession)).json.data).toEqual({ big: six })
      // Shrinking back to one cookie deletes the chunks.
      await send(site.patchSession, { body: { big: 'small' } })
      expect([...jar.keys()]).toEqual(['session'])
    }
  })

  it('refuses values nested too deep with BAD_REQUEST before writing anything', async () => {
    for (const format of ['sealed', 'signed', 'flask']) {
      const { site, send } = await createClient({ SESSION_FORMAT: format })
      await send(site.patchSession, { body: { kept: 1 } })
      for (const depth of [101, 2000, 20000]) {
        const answer = await send(site.patchSession, {
          body: `{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`,
        })
        expect(answer.status, `${format} ${depth}`).toBe(400)
        expect(answer.json.error.code).toBe('BAD_REQUEST')
        expect(answer.setCookie, `${format} ${depth}`).toEqual([])
      }
      const fits = await send(site.patchSession, {
        body: `{"deep":${'['.repeat(100)}${']'.repeat(100)}}`,
      })
      expect(fits.status, format).toBe(200)
    }
  })

  it('keeps a flask session, one cookie of at most 4096 bytes, when a PATCH would outgrow it', async () => {
    const { site, send, jar } = await createClient({ SESSION_FORMAT: 'flask' })
    const blob = incompressible(2000)
    expect((await send(site.patchSession, { body: { blob } })).status).toBe(200)
    expect([...jar.keys()]).toEqual(['session'])
    const before = new Map(jar)
    const answer = await send(site.patchSession, { body: { more: incompressible(3000) } })
    expect(answer.status).toBe(413)
    expect(answer.json.error.code).toBe('SESSION_TOO_LARGE')
    expect(answer.setCookie).toEqual([])
    expect(jar).toEqual(before)
    expect((await send(site.getSession)).json).toEqual({ data: { blob }, isNew: false })
  })

  it('answers a Flask session holding ints past 2^53 with exact JSON numbers, never a 500', async () => {
    const { site, send, jar } = await createClient({ SESSION_FORMAT: 'flask' })
    const codec = createFlaskCodec({ secrets: ['test-secret-0123456789abcdef0123456789'] })
    jar.set('session', await codec.dumps({ uid: 2n ** 64n + 1n, ids: [-(2n ** 63n)], s: 'x' }))
    const read = await send(site.getSession)
    expect(read.status).toBe(200)
    expect(read.body).toBe(
      '{"data":{"ids":[-9223372036854775808],"s":"x","uid":18446744073709551617},"isNew":false}',
    )
    const patched = await send(site.patchSession, { body: { n: 1 } })
    expect(patched.status).toBe(200)
    expect(patched.body).toContain('"uid":18446744073709551617')
    expect((await send(site.deleteSession)).status).toBe(204)
    expect(jar.has('session')).toBe(false)
  })

  it('writes bigints as exact numbers and leaves strings that look like the stand-in alone', () => {
    expect(stringifyJson({ a: 1n, b: [-(2n ** 70n)], c: '\u0000bigint-x:5' })).toBe(
      `{"a":1,"b":[-1180591620717411303424],"c":${JSON.stringify('\u0000bigint-x:5')}}`,
    )
  })

  it('keeps a new session new when its first PATCH is too large', async () => {
    const { site, send, jar } = await createClient()
    const answer = await send(site.patchSession, { body: { big: incompressible(20000) } })
    expect(answer.status).toBe(413)
    expect(answer.setCookie).toEqual([])
    expect(jar.size).toBe(0)
  })

  it('pops a key, answering null when absent', async () => {
    const { site, send } = await createClient()
    await send(site.patchSession, { body: { a: { n: 1 }, b: 2 } })
    expect((await send(site.popSession, { body: { key: 'a' } })).json).toEqual({ value: { n: 1 } })
    expect((await send(site.popSession, { body: { key: 'a' } })).json).toEqual({ value: null })
    expect((await send(site.getSession)).json.data).toEqual({ b: 2 })
  })

  it('regenerates with a new cookie value and the same data, even for a new session', async () => {
    const { site, send, jar } = await createClient()
    const fresh = await send(site.regenerateSession)
    expect(fresh.status).toBe(204)
    expect(fresh.setCookie).toHaveLength(1)
    expect((await send(site.getSession)).json).toEqual({ data: {}, isNew: false })
    await send(site.patchSession, { body: { a: 1 } })
    const before = jar.get('session')
    const again = await send(site.regenerateSession)
    expect(again.setCookie).toHaveLength(1)
    expect(jar.get('session')).not.toBe(before)
    expect((await send(site.getSession)).json).toEqual({ data: { a: 1 }, isNew: false })
  })

  it('destroys the session with deleting Set-Cookies', async () => {
    const { site, send, jar } = await createClient()
    await send(site.patchSession, { body: { big: incompressible(6144) } })
    const chunks = [...jar.keys()].sort()
    const answer = await send(site.deleteSession)
    expect(answer.status).toBe(204)
    expect(answer.setCookie.every((line) => /=; Max-Age=0; Path=\/;/.test(line))).toBe(true)
    expect(answer.setCookie.map((line) => line.split('=')[0]).sort()).toEqual(chunks)
    expect(jar.size).toBe(0)
    // Without a session cookie it still sends one deletion.
    const empty = await send(site.deleteSession)
    expect(empty.setCookie).toEqual([
      'session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ])
  })
})

describe('flash API', () => {
  it('returns messages in order with the default category, then forgets them', async () => {
    const { site, send } = await createClient()
    expect((await send(site.postFlash, { body: { message: 'one' } })).status).toBe(204)
    await send(site.postFlash, { body: { message: 'two', category: 'error' } })
    expect((await send(site.getFlashes)).json).toEqual({
      messages: [
        { category: 'message', message: 'one' },
        { category: 'error', message: 'two' },
      ],
    })
    expect((await send(site.getFlashes)).json).toEqual({ messages: [] })
    expect((await send(site.getSession)).json.data).toEqual({})
  })

  it('refuses a flash that outgrows the session with 413', async () => {
    const { site, send } = await createClient()
    await send(site.postFlash, { body: { message: 'kept' } })
    const answer = await send(site.postFlash, { body: { message: incompressible(20000) } })
    expect(answer.status).toBe(413)
    expect(answer.setCookie).toEqual([])
    expect((await send(site.getFlashes)).json.messages).toEqual([
      { category: 'message', message: 'kept' },
    ])
  })
})

describe('login API', () => {
  it('logs in, answers /api/me, hides _user from data and logs out', async () => {
    const { site, send } = await createClient()
    expect((await send(site.apiMe)).status).toBe(401)
    await send(site.patchSession, { body: { cart: [1] } })
    const login = await send(site.apiLogin, { body: { username: 'alice', password: 'wonderland' } })
    expect(login.status).toBe(200)
    expect(login.json).toEqual({ user: 'alice' })
    expect(login.setCookie).toHaveLength(1)
    expect((await send(site.apiMe)).json).toEqual({ user: 'alice' })
    expect((await send(site.getSession)).json).toEqual({ data: { cart: [1] }, isNew: false })
    expect((await send(site.getFlashes)).json).toEqual({ messages: [] })
    const logout = await send(site.apiLogout)
    expect(logout.status).toBe(204)
    expect(logout.setCookie[0]).toMatch(/^session=; Max-Age=0/)
    expect((await send(site.apiMe)).status).toBe(401)
    expect((await send(site.getSession)).json).toEqual({ data: {}, isNew: true })
  })

  it('refuses a wrong password with 401 and changes nothing', async () => {
    const { site, send } = await createClient()
    const answer = await send(site.apiLogin, { body: { username: 'alice', password: 'builder' } })
    expect(answer.status).toBe(401)
    expect(answer.json.error.code).toBe('UNAUTHORIZED')
    expect(answer.setCookie).toEqual([])
  })
})

describe('HTML pages', () => {
  it('logs in through the form, flashes, shows the protected page and logs out', async () => {
    const { site, send } = await createClient()
    expect((await send(site.protectedPage)).status).toBe(401)
    const failed = await send(site.login, { body: 'username=alice&password=nope' })
    expect(failed.status).toBe(401)
    expect(failed.headers['Content-Type']).toBe('text/html; charset=utf-8')
    expect(failed.body).toContain('Wrong username or password')
    expect(failed.setCookie).toEqual([])
    expect((await send(site.login, { body: '' })).status).toBe(401)
    const ok = await send(site.login, { body: 'username=alice&password=wonderland' })
    expect(ok.status).toBe(303)
    expect(ok.headers['Location']).toBe('/')
    const home = await send(site.home)
    expect(home.status).toBe(200)
    expect(home.body).toContain('You are logged in as alice.')
    expect(home.body).toContain('action="/logout"')
    expect((await send(site.home)).body).not.toContain('You are logged in as alice.')
    const page = await send(site.protectedPage)
    expect(page.status).toBe(200)
    expect(page.body).toContain('alice')
    const out = await send(site.logout)
    expect(out.status).toBe(303)
    expect((await send(site.protectedPage)).status).toBe(401)
  })

  it('keeps preferences in plain cookies for a year and refuses bad ones', async () => {
    const { site, send, jar } = await createClient()
    const saved = await send(site.preferences, { body: 'theme=dark&lang=fr' })
    expect(saved.status).toBe(303)
    expect(saved.setCookie).toEqual([
      'theme=dark; Max-Age=31536000; Path=/; SameSite=Lax',
      'lang=fr; Max-Age=31536000; Path=/; SameSite=Lax',
    ])
    expect((await send(site.home)).body).toContain('<html lang="fr">')
    for (const body of [
      'theme=purple',
      'lang=%3Cscript%3E',
      'lang=english-language-tag-too-long',
    ]) {
      const bad = await send(site.preferences, { body })
      expect(bad.status).toBe(400)
      expect(bad.setCookie).toEqual([])
    }
    jar.set('lang', '"><script>')
    const home = await send(site.home)
    expect(home.body).not.toContain('<script>')
    expect(home.body).toContain('<html lang="en">')
  })
})

describe('request edges', () => {
  it('refuses request targets with malformed escapes', () => {
    expect(checkRequestTarget('/api/cookies/%zz')?.status).toBe(400)
    expect(checkRequestTarget('/api/cookies/a%20b?x=%zz')).toBeNull()
  })

  it('reads bodies within the limit only, as UTF-8', async () => {
    async function* chunks(...parts: string[]) {
      for (const part of parts) yield Buffer.from(part)
    }
    expect(await readBody(chunks('{"a":', '"é"}'))).toBe('{"a":"é"}')
    await expect(readBody(chunks('x'.repeat(10)), 5)).rejects.toMatchObject({ status: 413 })
    async function* bad() {
      yield new Uint8Array([0xff, 0xfe])
    }
    await expect(readBody(bad())).rejects.toMatchObject({ status: 400 })
  })

  it('answers 500 for a broken action without leaking the error', async () => {
    const { send } = await createClient()
    const answer = await send(async () => {
      throw new Error('secret detail')
    })
    expect(answer.status).toBe(500)
    expect(answer.body).not.toContain('secret detail')
  })
})
