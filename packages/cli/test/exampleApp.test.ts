/**
 * The CLI on cookies a real app minted: the Express example, logged in over HTTP, in each format,
 * then rotated (a new secret in front), tampered and expired.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startServer } from '@cookietin/express-example/server'
import { afterEach, describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
const OLD = 'example-app-secret-old-0123456789-abcdefghij'
const NEW = 'example-app-secret-new-9876543210-klmnopqrst'

function inspect(value: string, secrets: string[], extra: string[] = []) {
  const args = ['inspect', value, '--json', ...secrets.flatMap((s) => ['--secret', s]), ...extra]
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: '' } })
  return { code: run.status, result: JSON.parse(run.stdout || '{}') as Record<string, unknown> }
}

let stop: (() => Promise<void>) | undefined
afterEach(async () => {
  await stop?.()
  stop = undefined
})

/** Logs alice in on a fresh Express example and returns the session cookie's value. */
async function loginCookie(format: string, maxAge = '3600'): Promise<string> {
  const env = {
    SESSION_SECRETS: OLD,
    SESSION_FORMAT: format,
    SESSION_MAX_AGE: maxAge,
    NODE_ENV: 'test',
  }
  const server = await startServer({ env, port: 0 })
  stop = () => server.close()
  const response = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ username: 'alice', password: 'wonderland' }),
  })
  expect(response.status).toBe(200)
  const line = response.headers.getSetCookie().find((l) => l.startsWith('session=')) ?? ''
  return line.slice('session='.length, line.indexOf(';'))
}

describe.each(['sealed', 'signed', 'flask'])(
  'a %s cookie from the Express example app',
  (format) => {
    it('is valid with its secret, shows the login, and is due for re-issue once rotated', async () => {
      const cookie = await loginCookie(format)
      const valid = inspect(cookie, [OLD])
      expect(valid.code).toBe(0)
      expect(JSON.stringify(valid.result)).toContain('alice')
      const rotated = inspect(cookie, [NEW, OLD])
      expect(rotated.code).toBe(0)
      expect(JSON.stringify(rotated.result)).toMatch(/"(reissue|stale|dueForReissue)":true/)
    })

    it('is invalid when tampered with or checked against another secret', async () => {
      const cookie = await loginCookie(format)
      const at = cookie.length - 5
      const tampered = cookie.slice(0, at) + (cookie[at] === 'A' ? 'B' : 'A') + cookie.slice(at + 1)
      expect(inspect(tampered, [OLD]).code).toBe(1)
      expect(inspect(cookie, [NEW]).code).toBe(1)
    })

    it('is invalid once its lifetime has passed', async () => {
      const cookie = await loginCookie(format, '1')
      await new Promise((resolve) => setTimeout(resolve, 2200))
      const expired = inspect(cookie, [OLD], format === 'flask' ? ['--flask-max-age', '1'] : [])
      expect(expired.code).toBe(1)
      expect(JSON.stringify(expired.result)).toContain('expired')
    })
  },
)
