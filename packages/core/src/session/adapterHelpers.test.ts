import { describe, expect, test } from 'vitest'
import { isCookietinError } from '../errors.ts'
import { assignSession } from './assign.ts'
import { createSessionHandler } from './handler.ts'
import { guardUntilAttached } from './missingMiddleware.ts'
import type { RequestScope } from './scope.ts'

const secrets = ['Ahb7zLq2Vw9sXk4PmR8tYc3NdF6gJu5E']
const newScope = () =>
  createSessionHandler({ secrets }).begin(undefined, { secure: false }) as RequestScope

describe('assignSession (ctx.session = value)', () => {
  test('null destroys, an object replaces the data, the session itself changes nothing', () => {
    const { session } = newScope()
    session.set('user', 'ada')
    assignSession(session, session, 'ctx.session')
    expect(session.get('user')).toBe('ada')
    assignSession(session, { cart: [1] }, 'ctx.session')
    expect(session.toJSON()).toEqual({ cart: [1] })
    assignSession(session, null, 'ctx.session')
    expect(session.toJSON()).toEqual({})
  })

  test('anything else is a TypeError naming how the user wrote it, and changes nothing', () => {
    const { session } = newScope()
    session.set('user', 'ada')
    expect(() => assignSession(session, 'ada', 'ctx.session')).toThrow(
      /^ctx\.session can only be set to null/,
    )
    expect(() => assignSession(session, { n: 10n }, 'ctx.session')).toThrow()
    expect(session.get('user')).toBe('ada')
  })
})

describe('guardUntilAttached (the missing-middleware error)', () => {
  test('an inheriting object reads a MIDDLEWARE_NOT_RUN error until it has its own property', () => {
    const base = {}
    guardUntilAttached(base, ['session'], (name) => `req.${name}`, 'add app.use(cookietin(...))')
    const request = Object.create(base) as { session: unknown }
    let caught: unknown
    try {
      void request.session
    } catch (error) {
      caught = error
    }
    expect(isCookietinError(caught) && caught.code).toBe('MIDDLEWARE_NOT_RUN')
    expect((caught as Error).message).toMatch(/^req\.session was used.*app\.use\(cookietin/)
    request.session = 'own'
    expect(request.session).toBe('own')
    expect(Object.hasOwn(request, 'session')).toBe(true)
  })

  test('a name another library defined for good is left to it', () => {
    const base = {}
    Object.defineProperty(base, 'session', { value: 'theirs' })
    guardUntilAttached(base, ['session'], (name) => name, 'fix')
    expect((Object.create(base) as { session: unknown }).session).toBe('theirs')
  })
})
