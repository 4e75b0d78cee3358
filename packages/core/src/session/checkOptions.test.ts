import { describe, expect, test } from 'vitest'
import { ConfigError } from '../errors.ts'
import { flask } from '../flask.ts'
import { createSessionHandler } from './handler.ts'
import type { SessionOptions } from './options.ts'

const secret = 'check-options test secret, 32+ bytes'

/** Options as plain JavaScript would pass them: TypeScript would have refused most of these. */
function start(options: Record<string, unknown>) {
  return () => createSessionHandler(options as unknown as SessionOptions)
}

function configError(options: Record<string, unknown>, code = 'INVALID_OPTION'): string {
  try {
    start(options)()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).code).toBe(code)
    return (error as ConfigError).message
  }
  throw new Error('expected a ConfigError')
}

describe('session options are checked at start-up, in JavaScript as in TypeScript', () => {
  test.each([
    ['maxage', 'did you mean `maxAge`?'],
    ['cookiename', 'did you mean `cookieName`?'],
    ['rollin', 'did you mean `rolling`?'],
    ['onInvalidd', 'did you mean `onInvalid`?'],
  ])('a misspelled option (%s) is an error with a suggestion', (key, suggestion) => {
    expect(configError({ secrets: secret, [key]: 1 })).toContain(suggestion)
  })

  test.each([
    ['name', '`cookieName`'],
    ['resave', 'only when the session changed'],
    ['saveUninitialized', 'never writes an empty new session'],
    ['samesite', 'cookie: { sameSite }'],
    ['httpOnly', 'cookie: { httpOnly }'],
    ['signed', "format: 'signed'"],
  ])('an option of another session library (%s) says what to write instead', (key, advice) => {
    expect(configError({ secrets: secret, [key]: true })).toContain(advice)
  })

  test('`secrets` missing, undefined or holding undefined says so and how to make one', () => {
    for (const options of [
      {},
      { secrets: undefined },
      { secret },
      { keys: [secret] },
      { secrets: [secret, undefined] },
    ]) {
      const message = configError(options, 'NO_SECRET')
      expect(message).toMatch(/Option `secrets(\[1\])?` is .*openssl rand -base64 32/)
    }
    expect(configError({}, 'NO_SECRET')).toContain('`secrets` is missing')
    expect(configError({ secrets: undefined }, 'NO_SECRET')).toContain('environment variable')
    expect(configError({ secrets: [secret, undefined] }, 'NO_SECRET')).toContain('`secrets[1]`')
    expect(configError({ secret }, 'NO_SECRET')).toContain('`secret` is another session library')
    expect(configError({ keys: [secret] }, 'NO_SECRET')).toContain('rename it `secrets`')
    // With `secrets` there too, `secret` is just an unknown option.
    expect(configError({ secrets: secret, secret })).toContain('use `secrets`')
  })

  test('maxAge in milliseconds is caught: over 400 days is an error that says it is seconds', () => {
    const message = configError({ secrets: secret, maxAge: 86_400_000 })
    expect(message).toContain('in seconds, not milliseconds')
    expect(message).toContain('`maxAge: 86400` (1 days)')
    start({ secrets: secret, maxAge: 34_560_000 })()
    expect(configError({ secrets: secret, maxAge: 34_560_001 })).toContain('400 days')
    expect(configError({ secrets: secret, maxAge: '3600' })).toContain('whole number of seconds')
  })

  test('a lifetime inside `cookie` is refused, pointing at the session maxAge', () => {
    for (const key of ['maxAge', 'expires', 'maxage']) {
      expect(configError({ secrets: secret, cookie: { [key]: 86_400_000 } })).toContain(
        "the session's lifetime is the session option `maxAge`",
      )
    }
  })

  test('unknown cookie attributes get a suggestion; wrongly-typed ones are errors', () => {
    expect(configError({ secrets: secret, cookie: { samesite: 'Lax' } })).toContain(
      'did you mean `sameSite`?',
    )
    expect(configError({ secrets: secret, cookie: { httponly: true } })).toContain(
      'did you mean `httpOnly`?',
    )
    expect(configError({ secrets: secret, cookie: { httpOnly: 'yes' } })).toContain(
      '`cookie.httpOnly` must be true or false',
    )
    expect(configError({ secrets: secret, cookie: 'secure' })).toContain(
      '`cookie` must be an object',
    )
  })

  test.each([
    ['rolling', 'yes'],
    ['permanent', 1],
    ['compress', 'true'],
  ])('a wrongly-typed %s is an error', (key, value) => {
    expect(configError({ secrets: secret, [key]: value })).toContain(
      `\`${key}\` must be true or false`,
    )
  })

  test('functions must be functions', () => {
    expect(configError({ secrets: secret, onInvalid: 'log' })).toContain(
      '`onInvalid` must be a function',
    )
  })

  test('valid options, the flask format included, still start', () => {
    start({
      secrets: [secret],
      format: flask(),
      cookieName: 'sid',
      maxAge: 2_678_400,
      permanent: true,
      rolling: false,
      cookie: { secure: 'auto', httpOnly: true, sameSite: 'Lax', path: '/' },
      maxSize: 12_288,
      warn: () => {},
    })()
  })
})
