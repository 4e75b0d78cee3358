import { describe, expect, it, vi } from 'vitest'
import { MemoryStore } from '@cookietin/core'
import {
  DEFAULT_MAX_AGE,
  SiteConfigError,
  loadConfig,
  resolveFormat,
  sessionOptions,
} from '../src/config.ts'

const SECRET = 'site config test secret: 32+ bytes'
const quiet = { warn: () => {} }

function refusal(env: Record<string, string | undefined>): SiteConfigError {
  try {
    loadConfig(env, quiet)
  } catch (error) {
    expect(error).toBeInstanceOf(SiteConfigError)
    return error as SiteConfigError
  }
  throw new Error('loadConfig accepted ' + JSON.stringify(env))
}

describe('loadConfig', () => {
  it('has the contract defaults', () => {
    const config = loadConfig({ SESSION_SECRETS: SECRET }, quiet)
    expect(config).toEqual({
      production: false,
      secrets: [SECRET],
      randomSecret: false,
      format: 'sealed',
      cookieName: 'session',
      maxAge: DEFAULT_MAX_AGE,
      secure: 'auto',
      port: undefined,
      host: '127.0.0.1',
    })
    expect(DEFAULT_MAX_AGE).toBe(1209600)
  })

  it('splits SESSION_SECRETS on commas, trims, and ignores empty entries', () => {
    const other = 'site config test secret: another one of 40 bytes'
    expect(loadConfig({ SESSION_SECRETS: ` ${SECRET} ,, ${other},` }, quiet).secrets).toEqual([
      SECRET,
      other,
    ])
  })

  it('uses a random secret in development, with a warning naming SESSION_SECRETS', () => {
    for (const value of [undefined, '', ' , ']) {
      const warn = vi.fn()
      const config = loadConfig({ SESSION_SECRETS: value, NODE_ENV: 'development' }, { warn })
      expect(config.randomSecret).toBe(true)
      expect(config.secrets).toHaveLength(1)
      expect(Buffer.byteLength(config.secrets[0]!)).toBeGreaterThanOrEqual(32)
      expect(warn).toHaveBeenCalledOnce()
      expect(warn.mock.calls[0]![0]).toContain('SESSION_SECRETS')
    }
    const a = loadConfig({}, quiet).secrets[0]
    const b = loadConfig({}, quiet).secrets[0]
    expect(a).not.toBe(b)
  })

  it('refuses to start in production without SESSION_SECRETS', () => {
    for (const value of [undefined, '', ' ']) {
      const error = refusal({ NODE_ENV: 'production', SESSION_SECRETS: value })
      expect(error.variable).toBe('SESSION_SECRETS')
      expect(error.message).toContain('SESSION_SECRETS')
    }
  })

  it('refuses a secret under 32 bytes, naming SESSION_SECRETS', () => {
    expect(refusal({ SESSION_SECRETS: 'short' }).message).toContain('SESSION_SECRETS')
    expect(refusal({ SESSION_SECRETS: `${SECRET},short`, SESSION_FORMAT: 'signed' }).variable).toBe(
      'SESSION_SECRETS',
    )
    // 31 bytes of ASCII is short; 11 three-byte characters are 33 bytes.
    refusal({ SESSION_SECRETS: 'x'.repeat(31) })
    expect(loadConfig({ SESSION_SECRETS: '€₩₹₽₺₴₸₵₲₱₮' }, quiet).secrets).toHaveLength(1)
  })

  it('refuses a secret of one repeated character, naming SESSION_SECRETS', () => {
    const error = refusal({ SESSION_SECRETS: `${SECRET},${'x'.repeat(32)}` })
    expect(error.variable).toBe('SESSION_SECRETS')
    expect(error.message).toContain('openssl rand -base64 32')
  })

  it('only warns about a short secret with the flask format', () => {
    const warn = vi.fn()
    const config = loadConfig({ SESSION_SECRETS: 'dev', SESSION_FORMAT: 'flask' }, { warn })
    expect(config.format).toBe('flask')
    expect(warn).toHaveBeenCalledOnce()
    expect(warn.mock.calls[0]![0]).toContain('SESSION_SECRETS')
  })

  it('refuses a repeated secret', () => {
    expect(refusal({ SESSION_SECRETS: `${SECRET},${SECRET}` }).variable).toBe('SESSION_SECRETS')
  })

  it('reads SESSION_FORMAT and refuses unknown ones', () => {
    for (const format of ['sealed', 'signed', 'flask'] as const) {
      expect(loadConfig({ SESSION_SECRETS: SECRET, SESSION_FORMAT: format }, quiet).format).toBe(
        format,
      )
    }
    expect(loadConfig({ SESSION_SECRETS: SECRET, SESSION_FORMAT: '' }, quiet).format).toBe('sealed')
    for (const format of ['Sealed', 'json', 'native']) {
      const error = refusal({ SESSION_SECRETS: SECRET, SESSION_FORMAT: format })
      expect(error.variable).toBe('SESSION_FORMAT')
      expect(error.message).toContain('SESSION_FORMAT')
    }
  })

  it('reads SESSION_COOKIE and refuses names that are not cookie names', () => {
    expect(loadConfig({ SESSION_SECRETS: SECRET, SESSION_COOKIE: 'sid' }, quiet).cookieName).toBe(
      'sid',
    )
    expect(refusal({ SESSION_SECRETS: SECRET, SESSION_COOKIE: 'a b' }).variable).toBe(
      'SESSION_COOKIE',
    )
    expect(refusal({ SESSION_SECRETS: SECRET, SESSION_COOKIE: 'a;b' }).variable).toBe(
      'SESSION_COOKIE',
    )
    // A __Host- cookie is dropped by browsers without Secure.
    expect(refusal({ SESSION_SECRETS: SECRET, SESSION_COOKIE: '__Host-session' }).variable).toBe(
      'SESSION_COOKIE',
    )
    expect(
      loadConfig(
        { SESSION_SECRETS: SECRET, SESSION_COOKIE: '__Host-session', COOKIE_SECURE: 'true' },
        quiet,
      ).cookieName,
    ).toBe('__Host-session')
  })

  it('reads SESSION_MAX_AGE as whole seconds and refuses anything else', () => {
    expect(loadConfig({ SESSION_SECRETS: SECRET, SESSION_MAX_AGE: '60' }, quiet).maxAge).toBe(60)
    for (const value of ['abc', '1.5', '-5', '0', '1e3', '10s', '99999999999999999999']) {
      const error = refusal({ SESSION_SECRETS: SECRET, SESSION_MAX_AGE: value })
      expect(error.variable).toBe('SESSION_MAX_AGE')
      expect(error.message).toContain('SESSION_MAX_AGE')
    }
  })

  it('reads COOKIE_SECURE and refuses anything else', () => {
    expect(loadConfig({ SESSION_SECRETS: SECRET, COOKIE_SECURE: 'true' }, quiet).secure).toBe(true)
    expect(loadConfig({ SESSION_SECRETS: SECRET, COOKIE_SECURE: 'false' }, quiet).secure).toBe(
      false,
    )
    expect(loadConfig({ SESSION_SECRETS: SECRET, COOKIE_SECURE: 'auto' }, quiet).secure).toBe(
      'auto',
    )
    for (const value of ['yes', '1', 'on']) {
      const error = refusal({ SESSION_SECRETS: SECRET, COOKIE_SECURE: value })
      expect(error.variable).toBe('COOKIE_SECURE')
      expect(error.message).toContain('COOKIE_SECURE')
    }
  })

  it('reads PORT and HOST', () => {
    const config = loadConfig({ SESSION_SECRETS: SECRET, PORT: '8080', HOST: '0.0.0.0' }, quiet)
    expect(config.port).toBe(8080)
    expect(config.host).toBe('0.0.0.0')
    expect(loadConfig({ SESSION_SECRETS: SECRET, PORT: '0' }, quiet).port).toBe(0)
    for (const value of ['http', '70000', '-1'])
      expect(refusal({ SESSION_SECRETS: SECRET, PORT: value }).variable).toBe('PORT')
  })
})

describe('sessionOptions', () => {
  it('gives permanent, non-rolling sessions of SESSION_MAX_AGE in HttpOnly, Lax, Path=/ cookies of at most 12 KB in 4 chunks', async () => {
    const config = loadConfig(
      {
        SESSION_SECRETS: SECRET,
        SESSION_MAX_AGE: '3600',
        SESSION_COOKIE: 'sid',
        SESSION_FORMAT: 'signed',
        COOKIE_SECURE: 'true',
      },
      quiet,
    )
    expect(await sessionOptions(config)).toEqual({
      secrets: [SECRET],
      format: 'signed',
      cookieName: 'sid',
      maxAge: 3600,
      permanent: true,
      rolling: false,
      maxSize: 12288,
      maxChunks: 4,
      cookie: { secure: true, httpOnly: true, sameSite: 'Lax', path: '/' },
    })
  })

  it('resolves sealed and signed to themselves', async () => {
    expect(await resolveFormat('sealed')).toBe('sealed')
    expect(await resolveFormat('signed')).toBe('signed')
  })

  it('with SESSION_STORE=memory: a store, the user index on _user, and a 1 MiB limit', async () => {
    const config = loadConfig({ SESSION_SECRETS: SECRET, SESSION_STORE: 'memory' }, quiet)
    expect(config.store).toBe('memory')
    const options = await sessionOptions(config)
    expect(options).toMatchObject({ userKey: '_user', maxSize: 1 << 20 })
    expect(options.store).toBeInstanceOf(MemoryStore)
  })
})

describe('SESSION_STORE', () => {
  it('takes memory or a redis:// URL; anything else, or with the flask format, refuses to start', () => {
    const env = { SESSION_SECRETS: SECRET }
    expect(loadConfig({ ...env, SESSION_STORE: 'redis://127.0.0.1:6379' }, quiet).store).toBe(
      'redis://127.0.0.1:6379',
    )
    expect(loadConfig({ ...env, SESSION_STORE: ' ' }, quiet).store).toBeUndefined()
    for (const bad of [
      { SESSION_STORE: 'postgres://x' },
      { SESSION_STORE: 'Memory!' },
      { SESSION_STORE: 'memory', SESSION_FORMAT: 'flask' },
    ]) {
      expect(() => loadConfig({ ...env, ...bad }, quiet)).toThrow(/^SESSION_STORE: /)
    }
  })
})
