import { describe, expect, test } from 'vitest'
import { createSessionHandler } from './handler.ts'

const secrets = ['h'.repeat(32)]
const big = () => Buffer.from(crypto.getRandomValues(new Uint8Array(4000))).toString('hex')

describe('session handler (what every adapter relies on)', () => {
  test('needsCommit is false for an untouched or unchanged session, true once it changed', async () => {
    const handler = createSessionHandler({ secrets })
    const scope = await handler.begin(undefined, { secure: false })
    expect(handler.needsCommit(scope)).toBe(false)
    scope.session.get('x')
    expect(handler.needsCommit(scope)).toBe(false)
    scope.session.set('x', 1)
    expect(handler.needsCommit(scope)).toBe(true)
  })

  test('an early commit the route caught is not raised again by end, which still sends jar cookies', async () => {
    const handler = createSessionHandler({ secrets, maxSize: 5000 })
    const scope = await handler.begin(undefined, { secure: false })
    scope.cookies.set('theme', 'dark')
    scope.session.set('blob', big())
    await expect(handler.commit(scope)).rejects.toMatchObject({ code: 'SESSION_TOO_LARGE' })
    const result = await handler.end(scope)
    expect(result.setCookie).toEqual(['theme=dark; Path=/'])
  })

  test('changes made after an early commit are committed by end', async () => {
    const handler = createSessionHandler({ secrets })
    const scope = await handler.begin(undefined, { secure: false })
    scope.session.set('a', 1)
    await handler.commit(scope)
    const first = scope.cookies.setCookieHeaders[0]
    scope.session.set('b', 2)
    const { setCookie } = await handler.end(scope)
    expect(setCookie).toHaveLength(1)
    expect(setCookie[0]).not.toBe(first)
    const next = await handler.begin(setCookie[0]?.split(';')[0], { secure: false })
    expect(next.session.data).toEqual({ a: 1, b: 2 })
  })

  test('end without an early commit raises SessionTooLargeError; a second end returns nothing', async () => {
    const handler = createSessionHandler({ secrets, maxSize: 5000 })
    const scope = await handler.begin(undefined, { secure: false })
    scope.session.set('blob', big())
    await expect(handler.end(scope)).rejects.toMatchObject({ code: 'SESSION_TOO_LARGE' })
    expect(await handler.end(scope)).toEqual({ setCookie: [], vary: false })
  })

  test('secure requests get Secure session cookies with secure: auto', async () => {
    const handler = createSessionHandler({ secrets })
    const scope = await handler.begin(undefined, { secure: true })
    scope.session.set('a', 1)
    expect((await handler.end(scope)).setCookie[0]).toMatch(/; Secure/)
  })
})
