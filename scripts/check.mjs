/* global process, console */
// `node scripts/check.mjs <name> <command> [args…]`: runs a workspace-wide check (knip, biome ci)
// with its output as is, records whether it passed in .check-<name>.json for test-summary.mjs (as
// vitest's JSON reports are) and exits with the command's status: turbo and `pnpm test` fail too.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'

const [name, command, ...args] = process.argv.slice(2)
if (!name || !command) {
  console.error('usage: node scripts/check.mjs <name> <command> [args…]')
  process.exit(2)
}
const run = spawnSync(command, args, { stdio: 'inherit' })
if (run.error) console.error(`${name}: ${run.error.message}`)
const status = run.status ?? 1
writeFileSync(
  `.check-${name}.json`,
  `${JSON.stringify({ name, command: [command, ...args].join(' '), status })}\n`,
)
process.exit(status)
