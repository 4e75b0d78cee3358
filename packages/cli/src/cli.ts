/**
 * The `cookietin` command line. Argument parsing is cac's; what the commands do lives in
 * `@cookietin/core/testing` (mint, read, inspect), which tests use directly.
 */
import { cac } from 'cac'
import { isCookietinError } from '@cookietin/core'
import {
  type Inspection,
  inspectCookie,
  keyIdsOf,
  mintSessionCookie,
  type TestingFormat,
} from '@cookietin/core/testing'
import manifest from '../package.json' with { type: 'json' }

export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  /** The environment: `COOKIETIN_SECRETS`, `NO_COLOR`. */
  env: Readonly<Record<string, string | undefined>>
  /** All of standard input, for `inspect -`. */
  readStdin(): Promise<string>
  /** Whether standard output is a terminal (colour is used only then, and without NO_COLOR). */
  isTTY: boolean
}

/** Exit codes: 0 valid (or done), 1 invalid cookie or failed operation, 2 usage error. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const

class UsageError extends Error {}

const MIN_SECRET_BYTES = 32
const SECRETS_ENV = 'COOKIETIN_SECRETS'

/**
 * Options that take a value, per command: needed to find positionals and verbatim values in argv.
 */
const VALUE_OPTIONS = new Set([
  '--secret',
  '--name',
  '--now',
  '--max-age',
  '--flask-max-age',
  '--format',
  '--data',
  '--bytes',
  '--count',
  '--env',
])

/**
 * Every value given to `--<name>`, exactly as typed. The parser underneath (mri) turns
 * numeric-looking text into numbers, which must never happen to a secret or a cookie value: those
 * are read from argv.
 */
function verbatim(argv: readonly string[], name: string): string[] {
  const values: string[] = []
  const flag = `--${name}`
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string
    if (arg === '--') break
    if (arg === flag) {
      const next = argv[index + 1]
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        throw new UsageError(
          `${flag} needs a value (for a value starting with "-", write ${flag}=VALUE)`,
        )
      }
      values.push(next)
      index++
    } else if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1))
  }
  return values
}

/** The positional arguments after the command name, exactly as typed. */
function positionals(argv: readonly string[]): string[] {
  const found: string[] = []
  let afterDashes = false
  for (let index = 1; index < argv.length; index++) {
    const arg = argv[index] as string
    if (afterDashes || arg === '-' || !arg.startsWith('-')) found.push(arg)
    else if (arg === '--') afterDashes = true
    else if (VALUE_OPTIONS.has(arg)) index++
  }
  return found
}

function secretsFrom(argv: readonly string[], env: CliIo['env']): string[] {
  const given = verbatim(argv, 'secret')
  if (given.length > 0) return given
  return (env[SECRETS_ENV] ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean)
}

function integer(
  text: string | undefined,
  option: string,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}; got ${text}`)
  }
  return Number(text)
}

/** `--now`: Unix seconds or an ISO date; for reproducible output and tests. */
function nowFrom(argv: readonly string[]): number | undefined {
  const text = verbatim(argv, 'now').at(-1)
  if (text === undefined) return undefined
  if (/^\d+$/.test(text)) return Number(text)
  const time = Date.parse(text)
  if (Number.isNaN(time))
    throw new UsageError(`--now must be Unix seconds or an ISO date; got ${text}`)
  return Math.floor(time / 1000)
}

function formatFrom(text: string | undefined): TestingFormat {
  const format = text ?? 'sealed'
  if (format !== 'sealed' && format !== 'signed' && format !== 'flask') {
    throw new UsageError(`--format must be sealed, signed or flask; got ${format}`)
  }
  return format
}

function paint(enabled: boolean) {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  }
}

/** "in 13 days", "3 hours ago". */
export function relativeTime(seconds: number, now: number): string {
  const diff = seconds - now
  const size = Math.abs(diff)
  const units: [number, string][] = [
    [86400 * 365, 'year'],
    [86400 * 30, 'month'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ]
  if (size === 0) return 'now'
  const [unit, name] = units.find(([length]) => size >= length) ?? [1, 'second']
  const count = Math.floor(size / unit)
  const text = `${count} ${name}${count === 1 ? '' : 's'}`
  return diff > 0 ? `in ${text}` : `${text} ago`
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')

const KIND_NOTES: Record<Inspection['kind'], string> = {
  sealed: 'cookietin sealed (AES-256-GCM): only a secret holder can read it',
  signed: 'cookietin signed (HMAC-SHA256): readable by anyone, changeable by no one',
  flask: 'Flask session (itsdangerous, HMAC-SHA1): readable by anyone',
  plain: 'plain cookie: not a cookietin or Flask token',
}

function describeInspection(
  result: Inspection,
  now: number,
  secretCount: number,
  color: boolean,
): string {
  const c = paint(color)
  const lines: string[] = []
  const row = (label: string, value: string) => lines.push(`${c.dim(label.padEnd(11))}${value}`)
  if (result.cookieName !== null) {
    const from = result.input === 'set-cookie' ? 'Set-Cookie lines' : 'Cookie header'
    const joined =
      result.cookies.length > 1
        ? ` (${result.cookies.length} chunks: ${result.cookies.join(', ')})`
        : ''
    row('cookie', `${result.cookieName}${joined}, from the ${from}`)
  }
  row('kind', `${c.bold(result.kind)}: ${KIND_NOTES[result.kind]}`)
  if (result.keyId) row('key id', result.keyId)
  if (result.issuedAt !== null)
    row('issued', `${iso(result.issuedAt)} (${relativeTime(result.issuedAt, now)})`)
  if (result.expiresAt !== null) {
    const by = result.kind === 'flask' ? ", by Flask's PERMANENT_SESSION_LIFETIME" : ''
    row('expires', `${iso(result.expiresAt)} (${relativeTime(result.expiresAt, now)}${by})`)
  } else if (result.kind === 'signed' || (result.kind === 'sealed' && result.verified))
    row('expires', 'never')
  if (result.compressed) row('compressed', 'yes (deflate)')
  if (result.binding)
    row(
      'bound to',
      result.binding === 'session'
        ? `session:${result.cookieName ?? 'session'} (a session)`
        : `${result.cookieName ?? '?'} (a plain cookie)`,
    )
  if (secretCount === 0) {
    row('verified', c.yellow('no: no secret given (--secret or COOKIETIN_SECRETS)'))
  } else if (result.verified && result.secret) {
    const key = result.secret.keyId ? ` (key id ${result.secret.keyId})` : ''
    const due = result.stale
      ? c.yellow(`; due for re-issue with secret #0 (an older secret matched)`)
      : ''
    row('verified', `${c.green('yes')}, by secret #${result.secret.index}${key}${due}`)
  } else if (result.kind !== 'plain') {
    row('verified', c.red('no'))
  }
  const unverified =
    result.valid && !result.verified && result.kind !== 'plain'
      ? ' (well-formed; not verified)'
      : ''
  row(
    'result',
    result.valid ? c.green(`valid${unverified}`) : c.red(`invalid: ${result.reason ?? 'unknown'}`),
  )
  if (result.payload !== null && result.payload !== undefined) {
    lines.push(c.dim(result.isSession ? 'session' : 'payload'))
    lines.push(
      typeof result.payload === 'string' ? result.payload : JSON.stringify(result.payload, null, 2),
    )
  } else if (result.kind === 'sealed' && !result.verified) {
    lines.push(c.dim('payload    encrypted: pass the secret to open it'))
  }
  return `${lines.join('\n')}\n`
}

function jsonInspection(result: Inspection, secretCount: number) {
  return {
    ...result,
    issuedAtIso: result.issuedAt === null ? null : new Date(result.issuedAt * 1000).toISOString(),
    expiresAtIso:
      result.expiresAt === null ? null : new Date(result.expiresAt * 1000).toISOString(),
    secretsGiven: secretCount,
  }
}

function randomSecret(bytes: number): string {
  // A leading '-' would read as an option on a command line; redrawing that one character's 1/64
  // chance costs under 0.03 bits of a 256-bit secret.
  for (;;) {
    const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url')
    if (!secret.startsWith('-')) return secret
  }
}

function secretBytes(secret: string): number {
  return new TextEncoder().encode(secret).length
}

function buildCli(argv: readonly string[], io: CliIo, done: (code: number) => void) {
  const cli = cac('cookietin')
  const color = io.isTTY && !io.env['NO_COLOR']
  const out = (text: string) => io.stdout(text.endsWith('\n') ? text : `${text}\n`)

  cli
    .command(
      'secret',
      'Generate strong random secrets (base64url), ready for an environment variable',
    )
    .option('--bytes <n>', `Random bytes per secret (at least ${MIN_SECRET_BYTES})`, {
      default: 32,
    })
    .option('--count <n>', 'How many secrets (comma separated, newest first)', { default: 1 })
    .option('--env <NAME>', 'Print as NAME=value, e.g. --env SESSION_SECRETS')
    .option('--json', 'JSON output')
    .example('  cookietin secret')
    .example('  cookietin secret --count 2 --env SESSION_SECRETS >> .env')
    .example('  cookietin secret --bytes 64 --json')
    .action((options: { json?: boolean }) => {
      const bytes = integer(verbatim(argv, 'bytes').at(-1), '--bytes', MIN_SECRET_BYTES, 1024) ?? 32
      const count = integer(verbatim(argv, 'count').at(-1), '--count', 1, 100) ?? 1
      const env = verbatim(argv, 'env').at(-1)
      if (env !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(env))
        throw new UsageError(`--env must be a variable name; got ${env}`)
      const secrets = Array.from({ length: count }, () => randomSecret(bytes))
      if (options.json) out(JSON.stringify({ bytes, secrets }, null, 2))
      else out(`${env === undefined ? '' : `${env}=`}${secrets.join(',')}`)
      done(EXIT.ok)
    })

  cli
    .command('keys', 'Print the key id of each configured secret (never the secret)')
    .option(
      '--secret <secret>',
      `A secret, newest first; repeatable (default: $${SECRETS_ENV}, comma separated)`,
    )
    .option('--json', 'JSON output')
    .example(`  ${SECRETS_ENV}="$SESSION_SECRETS" cookietin keys`)
    .example('  cookietin keys --secret "$NEW_SECRET" --secret "$OLD_SECRET" --json')
    .action(async (options: { json?: boolean }) => {
      const secrets = secretsFrom(argv, io.env)
      if (secrets.length === 0)
        throw new UsageError(`No secret: pass --secret or set ${SECRETS_ENV}`)
      const rows = await Promise.all(
        secrets.map(async (secret, index) => {
          const bytes = secretBytes(secret)
          const repeats = secrets.indexOf(secret)
          if (repeats !== index)
            return { index, keyId: null, bytes, note: `repeats secret #${repeats}` }
          if (bytes < MIN_SECRET_BYTES) {
            return {
              index,
              keyId: null,
              bytes,
              note: `too short for sealed/signed (${bytes} bytes, need ${MIN_SECRET_BYTES}); a Flask SECRET_KEY may be`,
            }
          }
          const [keyId] = await keyIdsOf([secret])
          return {
            index,
            keyId: keyId as string,
            bytes,
            note: index === 0 ? 'newest: signs and seals' : 'older: verifies and opens only',
          }
        }),
      )
      if (options.json) out(JSON.stringify({ keys: rows }, null, 2))
      else {
        const c = paint(color)
        out(
          rows
            .map(
              (row) =>
                `#${row.index}  ${row.keyId ? c.bold(row.keyId) : c.yellow('--------')}  ${c.dim(row.note)}`,
            )
            .join('\n'),
        )
      }
      done(rows.every((row) => row.keyId !== null) ? EXIT.ok : EXIT.invalid)
    })

  cli
    .command(
      'inspect [cookie]',
      'Detect, decode and (with secrets) verify a cookie: a value, a Cookie header or Set-Cookie lines; "-" reads stdin',
    )
    .option(
      '--name <name>',
      'The session cookie to pick from a header (chunks name.0, name.1, ... are joined)',
      { default: 'session' },
    )
    .option(
      '--secret <secret>',
      `A secret to verify with, newest first; repeatable (default: $${SECRETS_ENV}, comma separated)`,
    )
    .option('--flask-max-age <seconds>', "Flask's PERMANENT_SESSION_LIFETIME, for Flask expiry", {
      default: 2678400,
    })
    .option('--now <time>', 'Check times at this moment (Unix seconds or ISO date) instead of now')
    .option('--json', 'JSON output, for scripts')
    .example('  cookietin inspect "s1.oRQCpYQI.AGlVuQAAAAAAeyJ1c2VyIjoiYWxpY2UifQ.TjNF..."')
    .example(
      `  cookietin inspect "session.0=...; session.1=...; theme=dark" --secret "$SESSION_SECRET"`,
    )
    .example(
      `  curl -si https://example.test/login | ${SECRETS_ENV}=$SECRET cookietin inspect - --json`,
    )
    .example('  cookietin inspect "$FLASK_COOKIE" --secret "$FLASK_SECRET_KEY"')
    .action(async (_cookie: unknown, options: { json?: boolean }) => {
      const [input, extra] = positionals(argv)
      if (input === undefined)
        throw new UsageError(
          'Give a cookie value, a Cookie header, a Set-Cookie line, or - to read stdin',
        )
      if (extra !== undefined)
        throw new UsageError(
          'Give one cookie argument (quote a Cookie header: it contains spaces and ";")',
        )
      const text = input === '-' ? await io.readStdin() : input
      const secrets = secretsFrom(argv, io.env)
      const now = nowFrom(argv) ?? Math.floor(Date.now() / 1000)
      const flaskMaxAge =
        integer(verbatim(argv, 'flask-max-age').at(-1), '--flask-max-age', 1, 2 ** 32) ?? 2678400
      const result = await inspectCookie(text, {
        secrets,
        cookieName: verbatim(argv, 'name').at(-1) ?? 'session',
        now,
        flaskMaxAge,
      })
      if (options.json) out(JSON.stringify(jsonInspection(result, secrets.length), null, 2))
      else out(describeInspection(result, now, secrets.length, color))
      done(result.valid ? EXIT.ok : EXIT.invalid)
    })

  cli
    .command(
      'mint',
      'Make a session cookie (sealed, signed or Flask) for curl and tests: prints the Cookie header value',
    )
    .option('--format <format>', 'sealed, signed or flask', { default: 'sealed' })
    .option('--data <json>', 'The session data, a JSON object', { default: '{}' })
    .option('--name <name>', 'Cookie name', { default: 'session' })
    .option(
      '--max-age <seconds>',
      'Lifetime written into a native token (default 1209600, 14 days); Max-Age of a --permanent cookie',
    )
    .option('--permanent', 'A permanent session (Set-Cookie gets Max-Age)')
    .option(
      '--secret <secret>',
      `The secret to sign or seal with (the first one is used; default: $${SECRETS_ENV})`,
    )
    .option('--set-cookie', 'Print the Set-Cookie line(s) instead, one per line')
    .option(
      '--now <time>',
      'Issue at this moment (Unix seconds or ISO date), e.g. to make an expired cookie',
    )
    .option('--json', 'JSON output: cookie, setCookie, chunks, keyId, issuedAt, expiresAt')
    .example(
      `  curl -b "$(cookietin mint --data '{"user":"alice"}' --secret "$SESSION_SECRET")" http://localhost:3000/`,
    )
    .example(
      `  cookietin mint --format signed --data '{"role":"admin"}' --max-age 600 --set-cookie`,
    )
    .example(`  cookietin mint --format flask --data '{"user_id":1}' --secret "$FLASK_SECRET_KEY"`)
    .action(async (options: { permanent?: boolean; setCookie?: boolean; json?: boolean }) => {
      const format = formatFrom(verbatim(argv, 'format').at(-1))
      const secrets = secretsFrom(argv, io.env)
      if (secrets.length === 0)
        throw new UsageError(`No secret: pass --secret or set ${SECRETS_ENV}`)
      const dataText = verbatim(argv, 'data').at(-1) ?? '{}'
      let data: unknown
      try {
        data = JSON.parse(dataText)
      } catch (error) {
        throw new UsageError(`--data is not JSON: ${(error as Error).message}`)
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data))
        throw new UsageError('--data must be a JSON object')
      const maxAge = integer(verbatim(argv, 'max-age').at(-1), '--max-age', 0, 2 ** 32)
      const now = nowFrom(argv)
      const minted = await mintSessionCookie({
        // The newest secret signs; older ones would only verify.
        secrets: [secrets[0] as string],
        format,
        data: data as Record<string, unknown>,
        cookieName: verbatim(argv, 'name').at(-1) ?? 'session',
        permanent: options.permanent === true,
        ...(maxAge === undefined ? {} : { maxAge }),
        ...(now === undefined ? {} : { now }),
      })
      if (options.json) {
        out(JSON.stringify({ format, ...minted }, null, 2))
      } else if (options.setCookie) out(minted.setCookie.join('\n'))
      else out(minted.cookie)
      done(EXIT.ok)
    })

  cli.help()
  cli.version(manifest.version)
  return cli
}

/** Runs the CLI on `argv` (without `node` and the script): resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok
  const errorOut = (message: string) =>
    io.stderr(`${paint(io.isTTY && !io.env['NO_COLOR']).red('error')}: ${message}\n`)
  try {
    const cli = buildCli(argv, io, (exit) => {
      code = exit
    })
    cli.parse(['node', 'cookietin', ...argv], { run: false })
    if (cli.options['help'] || cli.options['version']) return EXIT.ok
    if (!cli.matchedCommand) {
      if (argv.length > 0 && !argv[0]?.startsWith('-')) {
        errorOut(`unknown command ${argv[0]}`)
        return EXIT.usage
      }
      cli.outputHelp()
      return argv.length === 0 ? EXIT.usage : EXIT.ok
    }
    await cli.runMatchedCommand()
    return code
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && error.name === 'CACError')) {
      errorOut(`${error.message} (see cookietin --help)`)
      return EXIT.usage
    }
    // Bad secrets (too short, repeated) or options: core's messages name a secret by position,
    // never by value.
    if (isCookietinError(error)) {
      errorOut(error.message)
      return EXIT.usage
    }
    errorOut(error instanceof Error ? error.message : String(error))
    return EXIT.invalid
  }
}
