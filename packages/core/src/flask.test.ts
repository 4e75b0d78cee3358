import { describe, expect, test, vi } from 'vitest'
import { BrowserJar } from '@cookietin/testkit'
import { createFlaskCodec, flask, FlaskTuple } from './flask.ts'
import { createSessionHandler } from './session/handler.ts'
import { commit, finish } from '../test/scope.ts'

const SECRET = 'flask-secret-key'
const OLD = 'old-flask-secret-key'
const NOW = 1_800_000_000

describe('flask session format', () => {
  const make = (secrets = [SECRET], warn = vi.fn()) =>
    createSessionHandler({ secrets, format: flask(), maxAge: 2678400, now: () => NOW * 1000, warn })

  test('maps _permanent and _flashes written by Flask onto permanent and the flash API', async () => {
    const cookie = await createFlaskCodec({ secrets: [SECRET], warn: () => {} }).dumps(
      { user: 'alice', _permanent: true, _flashes: [new FlaskTuple('message', 'Logged in')] },
      NOW,
    )
    const scope = await make().begin(`session=${cookie}`, { secure: false })
    expect(scope.session.permanent).toBe(true)
    expect(scope.session.data).toEqual({ user: 'alice' })
    expect(scope.session.consumeFlashes()).toEqual([{ category: 'message', message: 'Logged in' }])
  })

  test('writes what Flask writes for the same data and time, and reads it back', async () => {
    const handler = make()
    const browser = new BrowserJar()
    const scope = await handler.begin('', { secure: false })
    scope.session.set('user', 'bob')
    scope.session.permanent = true
    scope.session.flash('Hi', 'info')
    const { setCookie } = await finish(scope)
    browser.apply(setCookie)
    expect(setCookie[0]).toMatch(
      /; Max-Age=2678400; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    )
    const expected = await createFlaskCodec({ secrets: [SECRET], warn: () => {} }).dumps(
      { _flashes: [new FlaskTuple('info', 'Hi')], _permanent: true, user: 'bob' },
      NOW,
    )
    expect(browser.cookies.get('session')).toBe(expected)
    const read = await handler.begin(browser.header, { secure: false })
    expect(read.session.get('user')).toBe('bob')
  })

  test('a cookie signed with a fallback key is re-issued with the first key', async () => {
    const old = await createFlaskCodec({ secrets: [OLD], warn: () => {} }).dumps(
      { user: 'carol' },
      NOW,
    )
    const handler = make([SECRET, OLD])
    const scope = await handler.begin(`session=${old}`, { secure: false })
    expect(scope.session.get('user')).toBe('carol')
    const { setCookie } = await finish(scope)
    expect(setCookie).toHaveLength(1)
    const reissued = setCookie[0]?.split(';')[0]?.slice('session='.length) ?? ''
    const verdict = await createFlaskCodec({ secrets: [SECRET], warn: () => {} }).loads(
      reissued,
      NOW,
    )
    expect(verdict).toMatchObject({ ok: true, keyIndex: 0 })
  })

  test('short secrets are accepted with one warning', async () => {
    const warn = vi.fn()
    make(['short'], warn)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]?.[0]).not.toContain('short"')
  })

  test('a session over 4096 bytes does not chunk: Flask reads one cookie', async () => {
    const handler = make()
    const scope = await handler.begin('', { secure: false })
    scope.session.set(
      'blob',
      Buffer.from(crypto.getRandomValues(new Uint8Array(4000))).toString('hex'),
    )
    await expect(finish(scope)).rejects.toMatchObject({ code: 'SESSION_TOO_LARGE' })
  })
})

test('a flask session restored after a refused commit sends no cookie', async () => {
  const handler = createSessionHandler({ secrets: [SECRET], format: flask(), warn: () => {} })
  const cookie = await createFlaskCodec({ secrets: [SECRET], warn: () => {} }).dumps({
    user: 'dan',
  })
  const scope = await handler.begin(`session=${cookie}`, { secure: false })
  scope.session.set(
    'blob',
    Buffer.from(crypto.getRandomValues(new Uint8Array(4000))).toString('hex'),
  )
  await expect(commit(scope)).rejects.toMatchObject({ code: 'SESSION_TOO_LARGE' })
  scope.session.delete('blob')
  expect((await finish(scope)).setCookie).toEqual([])
})
