/**
 * `pnpm --filter @cookietin/fuzz fuzz [--long] [--seed N] [--seconds N] [--out report.json]
 *   [--app express|hono|koa|fastify|fetch] [headers|tamper|bombs|soak ...]`
 *
 * Runs the campaigns one after another (all by default), prints each one's figures as JSON as it
 * ends, and exits 1 if any found a throw, an accepted tampering, an unsafe bomb outcome, a 5xx or
 * a session mix-up. `--long` is the size docs/security.md publishes; run it on an idle machine.
 */
import { writeFileSync } from 'node:fs'
import { CAMPAIGNS, type Mode, SOAK_APPS } from './campaigns.ts'
import { seedFromEnv } from './random.ts'
import { verdict } from './verdict.ts'

const args = process.argv.slice(2)
const mode: Mode = args.includes('--long') ? 'long' : 'quick'
const valueOf = (flag: string) => {
  const at = args.indexOf(flag)
  return at >= 0 ? args[at + 1] : undefined
}
const seed = Number(valueOf('--seed') ?? seedFromEnv())
const app = valueOf('--app')
const out = valueOf('--out')
const seconds = valueOf('--seconds')
const named = args.filter(
  (arg, i) => !arg.startsWith('--') && !args[i - 1]?.match(/^--(seed|app|out|seconds)$/),
)
const chosen = named.length > 0 ? named : Object.keys(CAMPAIGNS)

const report: unknown[] = []
let failed = false
for (const name of chosen) {
  const started = Date.now()
  process.stderr.write(`${name} (${mode}, seed ${seed})...\n`)
  let figures: unknown
  if (name === 'headers') figures = CAMPAIGNS.headers(mode, seed)
  else if (name === 'tamper') figures = await CAMPAIGNS.tamper(mode, seed)
  else if (name === 'bombs') figures = await CAMPAIGNS.bombs(mode)
  else if (name === 'soak') {
    const apps = app ? [app] : SOAK_APPS
    figures = await CAMPAIGNS.soak(mode, seed, apps, seconds ? Number(seconds) : undefined)
  } else throw new Error(`Unknown campaign ${name}: headers, tamper, bombs or soak`)
  const problems = verdict(figures)
  failed ||= problems.length > 0
  const entry = { name, mode, seed, seconds: (Date.now() - started) / 1000, problems, figures }
  report.push(entry)
  process.stdout.write(`${JSON.stringify(entry, null, 2)}\n`)
}
if (out) writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`)
process.exitCode = failed ? 1 : 0
