/**
 * The built `cookietin` binary as a subprocess, on cookies made by the CLI itself, by core's primitives
 * and session handler, and by real Flask (Debian's python3-flask, through core's Flask fixture).
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createKeyring, createSessionHandler, sealValue, signValue } from '@cookietin/core'
import { flask } from '@cookietin/core/flask'
import { keyIdsOf } from '@cookietin/core/testing'
import { describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
const PYTHON = process.env['COOKIETIN_FLASK_PYTHON'] ?? '/usr/bin/python3'
const FLASK_FIXTURE = fileURLToPath(
  new URL('../../core/test/fixtures/flask_app.py', import.meta.url),
)

const NEW = 'cli-test-newest-secret-0123456789abcdefghij'
const OLD = 'cli-test-older-secret-0123456789abcdefghijk'
const OTHER = 'cli-test-unrelated-secret-0123456789abcdefg'
const ALL_SECRETS = [NEW, OLD, OTHER]

/** Parsed JSON output, read loosely: the assertions check its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function cli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Run {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env }
  if (!options.env?.['COOKIETIN_SECRETS']) delete env['COOKIETIN_SECRETS']
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env,
    input: options.input ?? '',
    timeout: 30_000,
  })
  const run = { code: result.status, stdout: result.stdout, stderr: result.stderr }
  // Whatever the command, a secret never reaches the output (`secret` excepted: making them is its job).
  if (args[0] !== 'secret') {
    for (const secret of ALL_SECRETS) expect(run.stdout + run.stderr).not.toContain(secret)
  }
  return run
}

const json = (run: Run) => JSON.parse(run.stdout) as Record<string, Loose>

describe('secret', () => {
  it('prints one 32-byte base64url secret by default', () => {
    const run = cli(['secret'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{42}\n$/)
    expect(Buffer.from(run.stdout.trim(), 'base64url')).toHaveLength(32)
    expect(cli(['secret']).stdout).not.toBe(run.stdout)
  })

  it('prints several, comma separated, as an env line', () => {
    const run = cli(['secret', '--count', '3', '--bytes', '48', '--env', 'SESSION_SECRETS'])
    expect(run.code).toBe(0)
    const match = /^SESSION_SECRETS=([^\n]+)\n$/.exec(run.stdout)
    const secrets = match?.[1]?.split(',') ?? []
    expect(secrets).toHaveLength(3)
    for (const secret of secrets) expect(Buffer.from(secret, 'base64url')).toHaveLength(48)
    expect(new Set(secrets).size).toBe(3)
    expect(json(cli(['secret', '--count', '2', '--json']))['secrets']).toHaveLength(2)
  })

  it('refuses secrets shorter than core accepts, and bad numbers (exit 2)', () => {
    expect(cli(['secret', '--bytes', '16']).code).toBe(2)
    expect(cli(['secret', '--count', 'x']).code).toBe(2)
    expect(cli(['secret', '--env', 'not a name']).code).toBe(2)
  })
})

describe('keys', () => {
  it('prints each secret key id, from --secret or COOKIETIN_SECRETS', async () => {
    const ids = await keyIdsOf([NEW, OLD])
    const run = cli(['keys', '--secret', NEW, '--secret', OLD])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`#0  ${ids[0]}  newest`)
    expect(run.stdout).toContain(`#1  ${ids[1]}  older`)
    const fromEnv = json(cli(['keys', '--json'], { env: { COOKIETIN_SECRETS: `${NEW}, ${OLD}` } }))
    expect(fromEnv['keys'].map((key: { keyId: string }) => key.keyId)).toEqual(ids)
  })

  it('flags short and repeated secrets (exit 1) and wants at least one (exit 2)', () => {
    const run = cli(['keys', '--secret', NEW, '--secret', 'tiny-xyzzy', '--secret', NEW])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/#1 +-+ +too short/)
    expect(run.stdout).toMatch(/#2 +-+ +repeats secret #0/)
    expect(run.stdout).not.toContain('tiny-xyzzy')
    expect(cli(['keys']).code).toBe(2)
  })
})

describe.each(['sealed', 'signed', 'flask'] as const)('mint and inspect, %s', (format) => {
  const mint = (...args: string[]) => cli(['mint', '--format', format, '--secret', NEW, ...args])

  it('mints a cookie the CLI verifies, names the secret and shows the payload', () => {
    const minted = mint('--data', '{"user":"alice","n":1}')
    expect(minted.code).toBe(0)
    expect(minted.stdout).toMatch(/^session=\S+\n$/)
    const cookie = minted.stdout.trim()

    const inspected = cli(['inspect', cookie, '--secret', NEW, '--json'])
    expect(inspected.code).toBe(0)
    const result = json(inspected)
    expect(result).toMatchObject({
      kind: format,
      valid: true,
      verified: true,
      stale: false,
      secret: { index: 0 },
    })
    expect(result['payload'].data).toEqual({ user: 'alice', n: 1 })

    const bare = cli(['inspect', cookie])
    expect(bare.code).toBe(0)
    expect(bare.stdout).toContain(`kind       ${format}`)
    expect(bare.stdout).toContain('verified   no: no secret given')
    if (format === 'sealed') expect(bare.stdout).not.toContain('alice')
    else expect(bare.stdout).toContain('"user": "alice"')
  })

  it('rotation: a cookie minted with the older secret is valid and due for re-issue', () => {
    const cookie = cli([
      'mint',
      '--format',
      format,
      '--secret',
      OLD,
      '--data',
      '{"v":2}',
    ]).stdout.trim()
    const run = cli(['inspect', cookie], { env: { COOKIETIN_SECRETS: `${NEW},${OLD}` } })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/verified +yes, by secret #1.*due for re-issue/)
    expect(
      json(cli(['inspect', cookie, '--secret', NEW, '--secret', OLD, '--json'])),
    ).toMatchObject({
      stale: true,
      secret: { index: 1 },
    })
  })

  it('tampered, wrong-secret and expired cookies exit 1 with the reason', () => {
    const token = mint('--data', '{"role":"user"}').stdout.trim().slice('session='.length)
    const at = token.length - 30
    const tampered = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1)
    const bad = json(cli(['inspect', tampered, '--secret', NEW, '--json']))
    expect(bad['valid']).toBe(false)
    expect(['bad_signature', 'malformed']).toContain(bad['reason'])
    expect(cli(['inspect', tampered, '--secret', NEW]).code).toBe(1)

    const other = cli(['inspect', token, '--secret', OTHER, '--json'])
    expect(other.code).toBe(1)
    expect(json(other)['reason']).toBe(format === 'flask' ? 'bad_signature' : 'unknown_key')

    // Issued 40 days ago: past a native 14-day lifetime and Flask's 31-day default.
    const old = mint('--now', String(Math.floor(Date.now() / 1000) - 40 * 86400)).stdout.trim()
    const expired = cli(['inspect', old, '--secret', NEW, '--json'])
    expect(expired.code).toBe(1)
    expect(json(expired)).toMatchObject({ valid: false, reason: 'expired', expired: true })
    const text = cli(['inspect', old, '--secret', NEW]).stdout
    expect(text).toContain('invalid: expired')
    // A sealed token's times are inside the ciphertext, and core reports none for an expired one.
    if (format !== 'sealed') expect(text).toMatch(/expires +\S+ \(\d+ days ago/)
  })

  it('prints Set-Cookie lines, and inspect reads them back from stdin', () => {
    const run = mint('--data', '{"a":1}', '--set-cookie', '--permanent', '--name', 'sid')
    expect(run.stdout).toMatch(/^sid=\S+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax\n$/)
    const back = cli(['inspect', '-', '--name', 'sid', '--secret', NEW, '--json'], {
      input: `Set-Cookie: ${run.stdout}`,
    })
    expect(back.code).toBe(0)
    expect(json(back)).toMatchObject({
      input: 'set-cookie',
      cookieName: 'sid',
      payload: { data: { a: 1 }, permanent: true },
    })
  })
})

describe('cookies from core', () => {
  it('reads a chunked sealed session written by the session handler, from a whole Cookie header', async () => {
    // Chunks need more than the default limit (one 3 KB cookie).
    const sessions = createSessionHandler({
      secrets: [NEW],
      cookieName: 'app',
      maxSize: 12288,
      maxChunks: 4,
    })
    const scope = await sessions.begin(undefined, { secure: true })
    const big = Array.from({ length: 600 }, (_, index) => `item-${index}`)
    scope.session.set('items', big)
    const { setCookie } = await scope.finish()
    expect(setCookie.length).toBeGreaterThan(1)
    const header = ['theme=dark', ...setCookie.map((line) => line.split(';')[0])].join('; ')

    const run = cli(['inspect', header, '--name', 'app', '--secret', NEW, '--json'])
    expect(run.code).toBe(0)
    const result = json(run)
    expect(result['cookies']).toEqual(setCookie.map((_, index) => `app.${index}`))
    expect(result['payload'].data.items).toEqual(big)

    const text = cli(['inspect', header, '--name', 'app', '--secret', NEW]).stdout
    expect(text).toContain(`(${setCookie.length} chunks: app.0, app.1`)
    // Without the name, a header of several cookies is a usage of the wrong cookie: exit 1, with the names.
    const missing = cli(['inspect', header])
    expect(missing.code).toBe(1)
    expect(missing.stdout).toContain('no cookie named session')
  })

  it('mints a chunked cookie the session handler reads', async () => {
    const data = JSON.stringify({
      blob: Buffer.from(crypto.getRandomValues(new Uint8Array(6000))).toString('hex'),
    })
    const run = cli(['mint', '--format', 'signed', '--data', data, '--secret', NEW, '--json'])
    const minted = json(run)
    expect(minted['chunks'].length).toBe(4)
    for (const line of minted['setCookie']) expect(line.length).toBeLessThanOrEqual(4096)
    const sessions = createSessionHandler({ secrets: [NEW], format: 'signed', maxChunks: 4 })
    const scope = await sessions.begin(minted['cookie'], { secure: false })
    expect(scope.session.get('blob')).toBe(JSON.parse(data).blob)
  })

  it('reads a plain signed cookie from signValue (bound to its own name, not a session)', async () => {
    const token = await signValue(createKeyring([NEW]), 'prefs', '{"lang":"fr"}', { maxAge: 60 })
    const result = json(
      cli(['inspect', `prefs=${token}`, '--name', 'prefs', '--secret', NEW, '--json']),
    )
    expect(result).toMatchObject({
      kind: 'signed',
      binding: 'cookie',
      isSession: false,
      payload: { lang: 'fr' },
      valid: true,
    })
  })

  it.each([
    ['sealed', sealValue],
    ['signed', signValue],
  ] as const)(
    '%s tokens from core primitives: rotated, expired, tampered, unknown key',
    async (kind, make) => {
      const session = JSON.stringify({ i: 'abc', d: { user: 'erin' } })
      const now = Math.floor(Date.now() / 1000)
      // Made by the older secret, as a server did before NEW was put in front of the ring.
      const rotated = await make(createKeyring([OLD]), 'session:session', session, { maxAge: 3600 })
      const run = json(cli(['inspect', rotated, '--secret', NEW, '--secret', OLD, '--json']))
      expect(run).toMatchObject({
        kind,
        valid: true,
        stale: true,
        secret: { index: 1, keyId: (await keyIdsOf([OLD]))[0] },
      })
      expect(run['payload']).toMatchObject({ id: 'abc', data: { user: 'erin' } })

      const expired = await make(createKeyring([NEW]), 'session:session', session, {
        maxAge: 60,
        now: now - 120,
      })
      const expiredRun = cli(['inspect', expired, '--secret', NEW, '--json'])
      expect(expiredRun.code).toBe(1)
      expect(json(expiredRun)).toMatchObject({ reason: 'expired', expired: true })

      const good = await make(createKeyring([NEW]), 'session:session', session)
      const at = good.length - 10
      const tampered = good.slice(0, at) + (good[at] === 'A' ? 'B' : 'A') + good.slice(at + 1)
      const tamperedRun = cli(['inspect', tampered, '--secret', NEW, '--json'])
      expect(tamperedRun.code).toBe(1)
      expect(json(tamperedRun)['reason']).toMatch(/bad_signature|malformed/)

      // Another cookie's name is bound in: the token does not verify as this session.
      const moved = await make(createKeyring([NEW]), 'session:other', session)
      expect(json(cli(['inspect', moved, '--secret', NEW, '--json']))['reason']).toBe(
        'bad_signature',
      )
      expect(json(cli(['inspect', good, '--secret', OTHER, '--json']))['reason']).toBe(
        'unknown_key',
      )
    },
  )

  it('reads a Flask cookie written by core’s flask format', async () => {
    const sessions = createSessionHandler({
      secrets: ['flask dev key'],
      format: flask(),
      maxAge: 600,
    })
    const scope = await sessions.begin(undefined, { secure: false })
    scope.session.set('cart', [1, 2])
    const { setCookie } = await scope.finish()
    const run = cli(['inspect', '-', '--json', '--flask-max-age', '600'], {
      input: setCookie.join('\n'),
      env: { COOKIETIN_SECRETS: 'flask dev key' },
    })
    expect(run.code).toBe(0)
    expect(json(run)).toMatchObject({
      kind: 'flask',
      verified: true,
      payload: { data: { cart: [1, 2] } },
    })
  })
})

describe('real Flask', () => {
  const SECRET = 'flask-interop-secret-key-0123456789'
  const FALLBACK = 'flask-interop-older-key-0123456789ab'
  const now = Math.floor(Date.now() / 1000)

  /** Sends requests to core's Flask fixture (one JSON line each) and returns its answers. */
  function flaskDo(requests: Record<string, unknown>[]): Record<string, Loose>[] {
    const input = requests.map((request, id) => JSON.stringify({ ...request, id })).join('\n')
    const result = spawnSync(PYTHON, [FLASK_FIXTURE], {
      input: `${input}\n`,
      encoding: 'utf8',
      timeout: 30_000,
    })
    if (result.status !== 0) {
      throw new Error(
        `flask_app.py failed (install python3-flask for ${PYTHON}): ${result.error?.message ?? result.stderr}`,
      )
    }
    return result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, Loose>)
      .filter((answer) => !answer['ready'])
  }

  it('inspects sessions Flask made: valid, rotated (fallback key), tampered, expired', () => {
    const [fresh, rotated, old] = flaskDo([
      {
        op: 'dumps',
        expr: "{'user': 'alice', '_permanent': True, 'items': (1, 'two')}",
        keys: [SECRET],
        ts: now,
      },
      { op: 'dumps', expr: "{'user': 'bob'}", keys: [FALLBACK], ts: now },
      { op: 'dumps', expr: "{'user': 'carol'}", keys: [SECRET], ts: now - 32 * 86400 },
    ]) as [Record<string, string>, Record<string, string>, Record<string, string>]

    const unverified = cli(['inspect', `session=${fresh['cookie']}`, '--json'])
    expect(unverified.code).toBe(0)
    expect(json(unverified)).toMatchObject({
      kind: 'flask',
      verified: false,
      issuedAt: now,
      payload: { data: { user: 'alice', items: [1, 'two'] }, permanent: true },
    })

    const verified = cli(['inspect', fresh['cookie'] as string, '--secret', SECRET, '--json'])
    expect(verified.code).toBe(0)
    expect(json(verified)).toMatchObject({
      verified: true,
      secret: { index: 0, keyId: null },
      stale: false,
    })

    const stale = cli([
      'inspect',
      rotated['cookie'] as string,
      '--secret',
      SECRET,
      '--secret',
      FALLBACK,
    ])
    expect(stale.code).toBe(0)
    expect(stale.stdout).toMatch(/verified +yes, by secret #1; due for re-issue/)

    const cookie = fresh['cookie'] as string
    const tampered = cookie.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'))
    const bad = cli(['inspect', tampered, '--secret', SECRET, '--json'])
    expect(bad.code).toBe(1)
    expect(json(bad)['reason']).toBe('bad_signature')

    const expired = cli(['inspect', old['cookie'] as string, '--secret', SECRET, '--json'])
    expect(expired.code).toBe(1)
    expect(json(expired)['reason']).toBe('expired')
    // Flask's own lifetime setting moves the limit.
    expect(
      cli([
        'inspect',
        old['cookie'] as string,
        '--secret',
        SECRET,
        '--flask-max-age',
        String(40 * 86400),
      ]).code,
    ).toBe(0)
  })

  it('Flask loads what `cookietin mint --format flask` makes', () => {
    const cookie = cli([
      'mint',
      '--format',
      'flask',
      '--data',
      '{"user":"dave","n":[1,2]}',
      '--secret',
      SECRET,
    ]).stdout
    const [answer] = flaskDo([
      {
        op: 'loads',
        cookie: cookie.trim().slice('session='.length),
        keys: [SECRET],
        // Minted after `now` was read: itsdangerous refuses a timestamp in its future.
        now: Math.floor(Date.now() / 1000) + 1,
        max_age: 2678400,
        expect: "{'user': 'dave', 'n': [1, 2]}",
      },
    ])
    expect(answer).toMatchObject({ loaded: true, equal: true })
  })
})

describe('usage', () => {
  it.each(['secret', 'keys', 'inspect', 'mint'])(
    '%s --help shows options and examples',
    (command) => {
      const run = cli([command, '--help'])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`$ cookietin ${command}`)
      expect(run.stdout).toContain('Examples:')
    },
  )

  it('exits 2 on usage errors, with a message on stderr', () => {
    for (const args of [
      [],
      ['nope'],
      ['inspect'],
      ['inspect', 'a', 'b'],
      ['mint', '--bogus'],
      ['mint', '--secret', NEW, '--data', '[1]'],
      ['mint', '--secret', NEW, '--data', '{'],
      ['mint', '--secret', NEW, '--format', 'jwt'],
      ['mint', '--secret', 'too short'],
      ['mint'],
    ]) {
      const run = cli(args)
      expect(run.code, args.join(' ')).toBe(2)
    }
    expect(cli(['mint', '--secret', 'too short']).stderr).toMatch(/^error: The secret is 9 bytes/)
  })

  it('takes secrets verbatim, even when they look like numbers', () => {
    const numeric = '1234567890123456789012345678901234567890'
    const cookie = cli(['mint', '--format', 'signed', '--secret', numeric]).stdout.trim()
    expect(json(cli(['inspect', cookie, `--secret=${numeric}`, '--json']))['valid']).toBe(true)
  })

  it('writes no colour when the output is not a terminal', () => {
    const run = cli(['inspect', 'plain-value', '--secret', NEW])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('invalid: not a cookietin or Flask token')
    expect(run.stdout + run.stderr).not.toContain('\u001b[')
  })
})

describe('colour', () => {
  // `script` runs the binary on a pseudo-terminal, so its standard output is a TTY.
  const onTerminal = (extra: Record<string, string>) => {
    const env: Record<string, string | undefined> = { ...process.env, ...extra }
    if (!extra['NO_COLOR']) delete env['NO_COLOR']
    return spawnSync(
      'script',
      ['-qec', `"${process.execPath}" "${BIN}" inspect plain-value`, '/dev/null'],
      {
        encoding: 'utf8',
        env,
        timeout: 30_000,
      },
    )
  }
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0

  it.skipIf(!hasScript)('is used on a terminal, and not with NO_COLOR', () => {
    const coloured = onTerminal({})
    expect(coloured.stdout).toContain('\u001b[1mplain\u001b[22m')
    const plain = onTerminal({ NO_COLOR: '1' })
    expect(plain.stdout).toContain('kind       plain')
    expect(plain.stdout).not.toContain('\u001b[')
  })
})

describe('runCli in process', () => {
  it('gives the exit code and the output without a subprocess', async () => {
    const { runCli } = (await import(
      fileURLToPath(new URL('../dist/index.js', import.meta.url))
    )) as typeof import('../src/index.ts')
    let stdout = ''
    const code = await runCli(['keys', '--json'], {
      stdout: (text) => {
        stdout += text
      },
      stderr: () => {},
      env: { COOKIETIN_SECRETS: NEW },
      readStdin: async () => '',
      isTTY: false,
    })
    expect(code).toBe(0)
    expect(JSON.parse(stdout).keys[0].keyId).toBe((await keyIdsOf([NEW]))[0])
  })
})
