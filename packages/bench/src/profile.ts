/**
 * `pnpm --filter @cookietin/bench profile <framework/library> [seconds]`: runs one load server
 * under `node --cpu-prof`, loads it as the benchmark does, and prints where its CPU went (self and
 * inclusive time per function, idle excluded). The .cpuprofile file is kept for Chrome DevTools.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LOAD_CONFIGS } from './load/configs.ts'
import { cannon, prime, startServer, stopServer } from './load/run.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const [id = '', secondsArg = '5'] = process.argv.slice(2).filter((arg) => arg !== '--')
const config = LOAD_CONFIGS.find((c) => c.id === id)
if (!config) {
  console.error(`usage: profile <${LOAD_CONFIGS.map((c) => c.id).join('|')}> [seconds]`)
  process.exit(2)
}
const dir = mkdtempSync(join(tmpdir(), 'cookietin-profile-'))
const handle = await startServer(config, ['--cpu-prof', `--cpu-prof-dir=${dir}`])
try {
  const { cookie } = await prime(handle)
  await cannon(handle.port, cookie, 1, 10)
  const result = await cannon(handle.port, cookie, Number(secondsArg), 10)
  console.log(`${id}: ${result.requests.total} requests in ${secondsArg} s`)
} finally {
  await stopServer(handle)
}

// The main thread's profile is the largest one (the module loader's thread has its own).
const file = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => join(dir, f))
  .map((f) => ({ f, size: readFileSync(f).length }))
  .sort((a, b) => b.size - a.size)[0]?.f
if (!file) throw new Error(`no profile written in ${dir}`)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id)
const name = (n: ProfileNode) => {
  const { functionName, url, lineNumber } = n.callFrame
  const where = url
    .replace(/^.*\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, '')
    .replace(/^file:\/\/.*\/packages\//, '')
  return `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`
}
const self = new Map<string, number>()
const inclusive = new Map<string, number>()
let busy = 0
profile.samples.forEach((sampleId, i) => {
  const node = byId.get(sampleId)!
  if (node.callFrame.functionName === '(idle)') return
  const dt = profile.timeDeltas[i] ?? 0
  busy += dt
  self.set(name(node), (self.get(name(node)) ?? 0) + dt)
  const seen = new Set<string>()
  for (let at: number | undefined = sampleId; at !== undefined; at = parent.get(at)) {
    const key = name(byId.get(at)!)
    if (seen.has(key)) continue
    seen.add(key)
    inclusive.set(key, (inclusive.get(key) ?? 0) + dt)
  }
})
const top = (map: Map<string, number>, count: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, t]) => `${((100 * t) / busy).toFixed(1).padStart(5)}%  ${key}`)
console.log(`busy CPU ${(busy / 1000).toFixed(0)} ms; profile: ${file}`)
console.log('\nself time', ...top(self, 30).map((l) => `\n  ${l}`))
console.log('\ninclusive time', ...top(inclusive, 45).map((l) => `\n  ${l}`))
