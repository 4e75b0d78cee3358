/**
 * The CLI as a user gets it: a fresh folder under the OS temp directory (outside the workspace)
 * gets `npm install <core.tgz> <cli.tgz>` and nothing else, then `npx cookietin` runs the installed
 * binary: `--help` and `--version`, `secret`, and `inspect` on cookies minted by the packed core's
 * `@cookietin/core/testing` and by `cookietin mint`, with the exit codes the CLI README documents
 * (0 valid, 1 invalid, 2 usage).
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { FIXTURES, readJson } from '../src/packages.ts'
import { type RunResult, describeRun, mustRun, run } from '../src/run.ts'

const tarballs = inject('tarballs')
const SECRET = 'packed-cli-test-secret-0123456789abcdefghijk'
const OTHER = 'packed-cli-test-other-secret-0123456789abcdef'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cookietin-cli-'))
  const manifest = { name: 'cookietin-cli-consumer', private: true, type: 'module' }
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  await copyFile(join(FIXTURES, 'cli', 'mint.mjs'), join(dir, 'mint.mjs'))
  await mustRun(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--no-package-lock',
      '--loglevel=error',
      tarballs['@cookietin/core'] as string,
      tarballs['@cookietin/cli'] as string,
    ],
    { cwd: dir, timeoutMs: 150_000 },
  )
})

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/**
 * `npx cookietin ...args` in the consumer folder, as the docs write it. `npm_config_yes=false` so
 * npx never fetches another copy; not `--no`: `npx --no cookietin --help` prints npx's own help.
 */
async function npx(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const all = ['cookietin', ...args]
  // A secret in the test runner's environment must not reach these runs.
  const result = await run('npx', all, {
    cwd: dir,
    env: { npm_config_yes: 'false', COOKIETIN_SECRETS: '', NO_COLOR: '1', ...env },
    timeoutMs: 60_000,
  })
  ran.set(result, all)
  return result
}

const ran = new WeakMap<RunResult, string[]>()
const check = (result: RunResult, code: number) =>
  expect(result.code, describeRun('npx', ran.get(result) ?? [], dir, result)).toBe(code)

describe('@cookietin/cli from the tarball, through npx', () => {
  it('--help lists the commands and exits 0; --version is the packed version', async () => {
    const help = await npx(['--help'])
    check(help, 0)
    for (const command of ['secret', 'keys', 'inspect', 'mint'])
      expect(help.stdout).toContain(command)
    const inspectHelp = await npx(['inspect', '--help'])
    check(inspectHelp, 0)
    expect(inspectHelp.stdout).toMatch(/Examples?:/)
    const version = await npx(['--version'])
    check(version, 0)
    const { version: packed } = readJson(join(dir, 'node_modules/@cookietin/cli/package.json'))
    expect(version.stdout).toContain(packed)
  })

  it('secret prints a 32-byte base64url secret; a shorter one is refused (2)', async () => {
    const secret = await npx(['secret'])
    check(secret, 0)
    expect(secret.stdout).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{42}\n$/)
    expect(Buffer.from(secret.stdout.trim(), 'base64url')).toHaveLength(32)
    check(await npx(['secret', '--bytes', '16']), 2)
  })

  it.each(['sealed', 'signed', 'flask'])(
    'inspect: a %s cookie minted by the packed core verifies (0), not with another secret (1)',
    async (format) => {
      const minted = await run(process.execPath, ['mint.mjs', format, SECRET], { cwd: dir })
      expect(minted.code, describeRun('node', ['mint.mjs', format], dir, minted)).toBe(0)
      const cookie = minted.stdout.trim()
      expect(cookie).toMatch(/^session=/)

      const valid = await npx(['inspect', cookie, '--json'], { COOKIETIN_SECRETS: SECRET })
      check(valid, 0)
      const inspection = JSON.parse(valid.stdout) as Record<string, unknown>
      expect(inspection).toMatchObject({ kind: format, valid: true, verified: true, stale: false })
      expect(JSON.stringify(inspection['payload'])).toContain('"user":"ada"')
      expect(valid.stdout + valid.stderr).not.toContain(SECRET)

      const wrong = await npx(['inspect', cookie, '--secret', OTHER])
      check(wrong, 1)
      expect(wrong.stdout).toMatch(/bad_signature|unknown_key/)
    },
  )

  it('mint makes a cookie that inspect reads back; bad usage exits 2', async () => {
    const env = { COOKIETIN_SECRETS: SECRET }
    const minted = await npx(['mint', '--format', 'signed', '--data', '{"user":"ada"}'], env)
    check(minted, 0)
    const cookie = minted.stdout.trim()
    expect(cookie).toMatch(/^session=s1\./)
    const inspected = await npx(['inspect', cookie], env)
    check(inspected, 0)
    expect(inspected.stdout).toMatch(/verified\s+yes, by secret #0/)
    check(await npx(['inspect', cookie, '--no-such-option'], env), 2)
    check(await npx(['mint', '--data', '{"user":"ada"}']), 2)
  })
})
