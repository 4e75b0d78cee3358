/**
 * The fetch example app (apps/fetch-example: one fetch handler, served by srvx) passes the whole
 * conformance suite on Bun and on Deno, as it does on Node in its own package: the same file, with
 * no change, on each runtime's own server.
 */
import { runConformance } from '@cookietin/conformance'
import { buildFetchExample, spawnedExample } from './fetchExample.ts'
import { bunBinary, denoBinary, ensurePackagesBuilt } from './runtimes.ts'

ensurePackagesBuilt()
await buildFetchExample()

runConformance({
  name: 'fetch example on bun',
  startServer: spawnedExample(bunBinary(), ['--no-install']),
})
runConformance({
  name: 'fetch example on deno',
  startServer: spawnedExample(denoBinary(), [
    'run',
    '--node-modules-dir=manual', // node_modules as pnpm laid it out, no npm fetches
    '--no-prompt',
    '--allow-net=127.0.0.1',
    '--allow-env',
    '--allow-read', // the site loads the flask format with a dynamic import
  ]),
})
