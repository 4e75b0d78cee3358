import { describe, expect, test } from 'vitest'
import { createSessionHandler } from './handler.ts'
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
