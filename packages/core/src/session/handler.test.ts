import { afterEach, describe, expect, test, vi } from 'vitest'
import { createSessionHandler } from './handler.ts'
import type { SessionOptions } from './options.ts'
import type { RequestScope } from './scope.ts'
import { commit, finish } from '../../test/scope.ts'

const secrets = ['handler test secret: 32 bytes or more']
const big = () => Buffer.from(crypto.getRandomValues(new Uint8Array(4000))).toString('hex')

describe('session handler (what every adapter relies on)', () => {
  test('on the node back-end, begin and finish answer synchronously: no response is held', () => {
    const handler = createSessionHandler({ secrets })
    expect(handler.options.synchronous).toBe(true)
    const scope = handler.begin(undefined, { secure: false })
    expect(scope).not.toBeInstanceOf(Promise)
    if (scope instanceof Promise) return
    scope.session.set('x', 1)
    const result = scope.finish()
    expect(result).not.toBeInstanceOf(Promise)
    expect(result).toMatchObject({
      vary: true,
      setCookie: [expect.stringMatching(/^session=e1\./)],
    })
  })

  test('a change after finish is warned about once, naming the route the adapter gives', async () => {
    const late: unknown[] = []
    const handler = createSessionHandler<object, { secure: boolean; route: string }>(
      { secrets, warn: (message) => late.push(message) },
      { routeOf: (request) => request.route },
    )
    const request = { secure: false, route: 'POST /login' }
    const scope = handler.begin(undefined, request) as RequestScope
    scope.session.set('x', 1)
    expect(scope.finish()).not.toBeInstanceOf(Promise)
    scope.session.set('x', 1)
    await Promise.resolve()
    expect(late).toEqual([])
    scope.session.set('y', 2)
    scope.session.set('z', 3)
    await Promise.resolve()
    expect(late).toEqual([
      "cookietin: POST /login changed the session after the response's headers were set; " +
        'that change was not saved.',
    ])
  })

  test('a change after finish is reported as unsent; a read or an unchanged write is not', () => {
    const handler = createSessionHandler({ secrets })
    const scope = handler.begin(undefined, { secure: false }) as RequestScope
    scope.session.set('x', 1)
    expect(scope.finish()).not.toBeInstanceOf(Promise)
    scope.session.get('x')
    expect(scope.hasUnsentChanges).toBe(false)
    scope.session.set('x', 1)
    expect(scope.hasUnsentChanges).toBe(false)
    scope.session.set('x', 2)
    expect(scope.hasUnsentChanges).toBe(true)
  })

  test('an early commit the route caught is not raised again by end, which still sends jar cookies', async () => {
    const handler = createSessionHandler({ secrets, maxSize: 5000 })
    const scope = await handler.begin(undefined, { secure: false })
    scope.cookies.set('theme', 'dark')
    scope.session.set('blob', big())
    await expect(commit(scope)).rejects.toMatchObject({ code: 'SESSION_TOO_LARGE' })
    const result = await finish(scope)
    expect(result.setCookie).toEqual(['theme=dark; Path=/'])
  })

  test('changes made after an early commit are committed by end', async () => {
    const handler = createSessionHandler({ secrets })
    const scope = await handler.begin(undefined, { secure: false })
    scope.session.set('a', 1)
    await commit(scope)
    scope.session.set('b', 2)
    const { setCookie } = await finish(scope)
    expect(setCookie).toHaveLength(1)
    const next = await handler.begin(setCookie[0]?.split(';')[0], { secure: false })
    expect(next.session.data).toEqual({ a: 1, b: 2 })
  })

  test('end without an early commit raises SessionTooLargeError; a second end returns nothing', async () => {
    const handler = createSessionHandler({ secrets, maxSize: 5000 })
    const scope = await handler.begin(undefined, { secure: false })
    scope.session.set('blob', big())
    await expect(finish(scope)).rejects.toMatchObject({ code: 'SESSION_TOO_LARGE' })
    expect(await finish(scope)).toEqual({ setCookie: [], vary: false })
  })

  test('secure requests get Secure session cookies with secure: auto', async () => {
    const handler = createSessionHandler({ secrets })
    const scope = await handler.begin(undefined, { secure: true })
    scope.session.set('a', 1)
    expect((await finish(scope)).setCookie[0]).toMatch(/; Secure/)
  })
})

describe("secure: 'auto' behind a TLS-terminating proxy nobody told the framework about", () => {
  const HINT = "set `app.set('trust proxy', 1)`"
  afterEach(() => vi.unstubAllEnvs())

  async function send(options: Partial<SessionOptions>, secure: boolean, production = true) {
    vi.stubEnv('NODE_ENV', production ? 'production' : 'development')
    const warn = vi.fn()
    const handler = createSessionHandler({ secrets, warn, ...options }, { insecureHint: HINT })
    for (let i = 0; i < 3; i++) {
      const scope = await handler.begin(undefined, { secure })
      scope.session.set('n', i)
      await finish(scope)
    }
    return warn.mock.calls.map(([message]) => String(message))
  }

  test('in production, the first session cookie sent without Secure warns once, with the fix', async () => {
    const warnings = await send({}, false)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('without Secure')
    expect(warnings[0]).toContain(HINT)
  })

  test('no warning over HTTPS, in development, or when secure is said outright', async () => {
    expect(await send({}, true)).toEqual([])
    expect(await send({}, false, false)).toEqual([])
    expect(await send({ cookie: { secure: false } }, false)).toEqual([])
  })
})
